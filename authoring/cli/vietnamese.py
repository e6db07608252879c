"""Vietnamese for click's own words (usage, help, usage errors), so every message a user sees is Vietnamese."""

from __future__ import annotations

import click

_VI = {
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Aborted!": "Đã dừng.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Commands": "Lệnh",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "Error: {message}": "Lỗi: {message}",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing command.": "Thiếu tên lệnh.",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Options": "Tùy chọn",
    "Positional arguments": "Đối số",
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Usage:": "Cách dùng:",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc các giá trị {choices}.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} không phải giá trị đúng/sai. Dùng: {states}",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "file": "tệp", "directory": "thư mục", "path": "đường dẫn", "integer": "số nguyên",
}


class WordChoice(click.ParamType):
    """A choice typed as Vietnamese words, with or without diacritics ("trung ương", "trung uong", "Tỉnh"); help and
    errors show the words, the command receives the value behind them. The value itself is still accepted."""

    name = "lựa chọn"

    def __init__(self, words: dict[str, str], what: str):
        self.words = words   # word shown to the user → value the command uses
        self.what = what     # what is being chosen, for the error ("cấp")
        self._by_key = {self._key(value): value for value in words.values()}
        self._by_key.update({self._key(word): value for word, value in words.items()})

    @staticmethod
    def _key(text: str) -> str:
        from ..text import strip_diacritics

        key = " ".join(strip_diacritics(text).casefold().replace("_", " ").replace("-", " ").split())
        return key[4:] if key.startswith("cap ") else key

    def get_metavar(self, param, *args) -> str:
        return "[" + "|".join(self.words) + "]"

    def to_info_dict(self) -> dict:
        return {**super().to_info_dict(), "choices": list(self.words)}

    def convert(self, value, param, ctx):
        if value in self.words.values():
            return value
        found = self._by_key.get(self._key(str(value)))
        if found is None:
            self.fail(f"'{value}' không phải {self.what} kehoach biết. Chọn một trong: {', '.join(self.words)} "
                      "(gõ có dấu hay không dấu đều được).", param, ctx)
        return found

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(word) for word in self.words if word.startswith(incomplete)]


def _gettext(message: str) -> str:
    return _VI.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext hooks at the Vietnamese table (click calls `_` at message time)."""
    import click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types  # noqa: E401

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


install()
assert click  # imported for its side effect above
