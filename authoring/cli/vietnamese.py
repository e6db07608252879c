"""Vietnamese for click's own words (usage, help, usage errors) through gettext, and choices typed as Vietnamese words."""

from __future__ import annotations

import click


class WholeNumber(click.IntRange):
    """click.IntRange named in Vietnamese: its name is printed in errors ("'bảy' không phải số nguyên hợp lệ")."""

    name = "số nguyên"


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


class DayOrPart(click.ParamType):
    """A date typed as 06/01/2025, 2025-01-06, 2025-01 or 2025; passed on as NĂM[-THÁNG[-NGÀY]]. A day that does not
    exist (31/02) is a usage error saying why, in the words the plan file's checks use."""

    name = "ngày"

    def convert(self, value, param, ctx):
        from ..lifecycle.issue import parse_issue_date

        try:
            return parse_issue_date(str(value)).iso()
        except ValueError as exc:
            self.fail(f"'{value}' không dùng được: {exc}. Ví dụ: 06/01/2025, 2025-01-06, hoặc 2025-01 / 2025 khi văn bản "
                      "không ghi ngày.", param, ctx)


class DatabaseAddress(click.ParamType):
    """A SQLAlchemy database address, refused as a usage error in Vietnamese when it cannot be read as one."""

    name = "địa chỉ cơ sở dữ liệu"

    def convert(self, value, param, ctx):
        try:
            from sqlalchemy.engine import make_url
        except ImportError:  # without the web extras the command says what to install; nothing to check here
            return value
        try:
            make_url(value)
        except Exception:  # ArgumentError, ValueError: the address is not of the form dialect://…
            self.fail(f"'{value}' không phải địa chỉ cơ sở dữ liệu. Ví dụ: sqlite:////home/ten/kehoach.db "
                      "(tệp SQLite, bốn dấu '/' với đường dẫn đầy đủ) hoặc postgresql://nguoi-dung@may-chu/kehoach.",
                      param, ctx)
        return value


DOMAIN = "kehoach"


def install() -> None:
    """click looks its words up through gettext (`gettext.gettext`, `ngettext`, default domain): point that domain at
    kehoach's Vietnamese catalogue (authoring/locale/vi/LC_MESSAGES/kehoach.po, compiled to .mo) and ask for
    Vietnamese whatever the machine's locale, since kehoach's users read Vietnamese only."""
    import gettext
    import os
    from pathlib import Path

    gettext.bindtextdomain(DOMAIN, str(Path(__file__).resolve().parent.parent / "locale"))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "vi"


install()
