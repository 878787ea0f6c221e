// The monthly report page: publishing freezes the figures, so the button asks first. The
// question comes translated from the page (data-confirm); this script holds no text.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
