// Small behaviours shared by the console pages (no framework beyond htmx and Bootstrap).
document.addEventListener("keydown", (event) => {
  // Ctrl+Enter submits the form being typed in: agents keep their hands on the keyboard.
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});
document.addEventListener("click", (event) => {
  // "Select all" boxes in lists with bulk actions.
  const all = event.target.closest("[data-check-all]");
  if (all) {
    document.querySelectorAll(all.dataset.checkAll).forEach((box) => { box.checked = all.checked; });
  }
});
document.addEventListener("change", (event) => {
  // A select that submits its form when changed (no inline onchange: the CSP forbids it).
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
htmx.onLoad((root) => {
  // Progress bars take their width from data-percent (no style attribute: the CSP forbids it).
  root.querySelectorAll("[data-percent]").forEach((bar) => { bar.style.width = bar.dataset.percent + "%"; });
});
