// The print button of printed forms (no inline onclick: the Content-Security-Policy forbids it).
document.getElementById("print-button").addEventListener("click", () => window.print());
