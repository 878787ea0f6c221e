// The intake page (kept out of the HTML: the Content-Security-Policy runs no inline script).
(function () {
  "use strict";
  // Category filter: hide options whose text does not contain what was typed.
  document.getElementById("f-category-filter").addEventListener("input", (event) => {
    const words = event.target.value.trim().toLowerCase();
    const select = document.getElementById("f-category");
    let first = null;
    select.querySelectorAll("option").forEach((option) => {
      const shown = !words || option.textContent.toLowerCase().includes(words);
      option.hidden = !shown;
      if (shown && !first) first = option;
    });
    if (first && words) { first.selected = true; select.dispatchEvent(new Event("change", {bubbles: true})); }
  });
  // Enter in the phone box looks up at once (htmx's trigger filters would need eval).
  document.getElementById("lookup-phone").addEventListener("keyup", (event) => {
    if (event.key === "Enter") htmx.trigger(event.target, "lookup");
  });
  // Choosing a caller or a room in the household panel fills the hidden fields.
  document.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-pick]");
    if (!pick) return;
    event.preventDefault();
    document.getElementById("f-resident").value = pick.dataset.resident || "";
    document.getElementById("f-room").value = pick.dataset.room || "";
    document.getElementById("chosen-label").textContent = pick.dataset.label || "";
    const reporter = document.getElementById("f-reporter");
    if (pick.dataset.resident) reporter.value = "resident";
    const household = document.getElementById("household");
    const query = new URLSearchParams({resident: pick.dataset.resident || "", room: pick.dataset.room || ""});
    htmx.ajax("GET", household.dataset.householdUrl + "?" + query, "#household");
    htmx.trigger("#intake-form", "chosen");
    document.getElementById("f-description").focus();
  });
})();
