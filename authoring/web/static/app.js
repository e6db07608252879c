// Small page helpers: side tabs, jumping to a finding's field, keeping the chosen tab after swaps.
function khTab(button) {
  document.querySelectorAll('.tab').forEach(function (b) { b.classList.toggle('on', b === button); });
  document.querySelectorAll('.pane').forEach(function (p) {
    p.classList.toggle('hidden', p.id !== 'pane-' + button.dataset.tab);
  });
}
function khGoto(id) {
  var el = id && document.getElementById(id);
  if (!el) { return false; }
  for (var d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) { d.open = true; }
  el.scrollIntoView({behavior: 'smooth', block: 'center'});
  var field = el.closest('.field, .item, details, fieldset');
  if (field) { field.classList.add('flash'); setTimeout(function () { field.classList.remove('flash'); }, 1600); }
  return false;
}
document.addEventListener('htmx:beforeRequest', function () { document.body.classList.add('saving'); });
document.addEventListener('htmx:afterRequest', function () { document.body.classList.remove('saving'); });
document.addEventListener('htmx:sendError', function () {
  var a = document.getElementById('alert');
  if (a) { a.className = 'alert loi'; a.textContent = 'Không kết nối được với chương trình kehoach. Kiểm tra xem cửa sổ chạy kehoach serve còn mở không, rồi thử lại; nội dung trên trang vẫn còn.'; }
});
// Arriving from the coverage matrix (…#f-…): open the blocks around that field and show it.
document.addEventListener('DOMContentLoaded', function () {
  if (location.hash.length > 1 && document.getElementById('editor')) { khGoto(location.hash.slice(1)); }
});
// Enter in a one-line box saves it: leaving the box fires its one «change» (never a second save of the same value).
// In a paragraph box Enter starts a new line; Ctrl+Enter saves it.
document.addEventListener('keydown', function (e) {
  var t = e.target;
  if (e.key !== 'Enter' || e.isComposing || !t.matches) { return; }
  if (t.matches('#editor textarea') && (e.ctrlKey || e.metaKey)) { e.preventDefault(); t.blur(); return; }
  if (!t.matches('#editor input:not([type=checkbox]):not([type=radio]):not([type=file])')) { return; }
  if (t.getAttribute('list') || t.closest('.search')) { return; }
  e.preventDefault();
  t.blur();
});
// A table wider than a phone scrolls inside itself: reachable by keyboard too (focusable, named by its caption or heading).
function khScrollables() {
  document.querySelectorAll('main table').forEach(function (t) {
    if (t.scrollWidth > t.clientWidth + 1 && !t.hasAttribute('tabindex')) {
      t.setAttribute('tabindex', '0');
      var h = t.closest('section, .card');
      h = h && h.querySelector('h1, h2');
      t.setAttribute('aria-label', 'Bảng' + (h ? ': ' + h.textContent.trim().slice(0, 80) : '') + ' (kéo ngang để xem hết)');
    }
  });
}
document.addEventListener('DOMContentLoaded', khScrollables);
document.addEventListener('htmx:afterSettle', khScrollables);
window.addEventListener('resize', khScrollables);
// After a save, screen readers hear what changed: the version saved and the check's counts (a region that stays put).
document.addEventListener('htmx:afterSettle', function () {
  var region = document.getElementById('thong-bao'), saved = document.getElementById('save-status');
  var counts = document.querySelector('#summary .counts');
  if (!region || !saved || saved.textContent.indexOf('Đã lưu') !== 0) { return; }
  var text = saved.textContent.split(' lúc ')[0] + (counts ? '. Kiểm tra: ' + Array.prototype.map.call(counts.children, function (c) { return c.textContent; }).join(', ') : '');
  if (region.textContent !== text) { region.textContent = text; }
});
// A file chooser shows the chosen file's name in Vietnamese words (templates/_macros/file.html), not the browser's.
document.addEventListener('change', function (e) {
  var t = e.target;
  if (!t.matches || !t.matches('input.file-input')) { return; }
  var shown = document.getElementById(t.id + '-ten');
  if (!shown) { return; }
  shown.textContent = t.files && t.files.length
    ? 'Đã chọn: ' + Array.prototype.map.call(t.files, function (f) { return f.name; }).join(', ') : 'Chưa chọn tệp';
});
