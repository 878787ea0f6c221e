// The intake page's suggestions card (suggest/_intake_card.html): applying a suggested category
// or kind to the form, opening a grade fact to ask, marking a same problem. The agent's choice
// is always theirs: nothing here registers or changes anything until they save the form.
(function () {
  "use strict";
  const card = document.getElementById("suggest-card");
  if (!card) return;
  const shown = document.getElementById("suggest-shown");
  const applied = document.getElementById("suggest-applied");
  const sameAs = document.getElementById("suggest-same-as");
  const sameAsNote = document.getElementById("suggest-same-as-note");

  // A suggestion was shown for this form: registration records what it was.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "suggestions" && document.getElementById("suggest-result")) {
      shown.value = "1";
    }
  });

  function applyCategory(button) {
    const select = document.getElementById("f-category");
    const code = button.dataset.suggestCategory;
    const option = Array.from(select.options).find((o) => o.value === code);
    if (!option) return;
    // The keyword filter may have hidden it: clear the filter so the choice is in sight.
    const filter = document.getElementById("f-category-filter");
    if (filter.value) {
      filter.value = "";
      select.querySelectorAll("option").forEach((o) => { o.hidden = false; });
    }
    select.value = code;
    option.scrollIntoView({block: "nearest"});
    applied.value = code;
    select.dispatchEvent(new Event("change", {bubbles: true}));
    card.querySelectorAll("[data-suggest-category]").forEach((b) => {
      b.classList.toggle("active", b === button);
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
  }

  card.addEventListener("click", (event) => {
    const category = event.target.closest("[data-suggest-category]");
    if (category) { applyCategory(category); return; }
    const kind = event.target.closest("[data-suggest-kind]");
    if (kind) {
      const radio = document.getElementById("kind-" + kind.dataset.suggestKind);
      if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", {bubbles: true})); }
      return;
    }
    const fact = event.target.closest("[data-suggest-fact]");
    if (fact) {
      event.preventDefault();
      document.getElementById("intake-grade-facts").open = true;
      const field = document.getElementById("intake-" + fact.dataset.suggestFact);
      if (field) { field.scrollIntoView({block: "center"}); field.focus(); }
      return;
    }
    const same = event.target.closest("[data-same-as]");
    if (same) {
      sameAs.value = same.dataset.sameAs;
      document.getElementById("suggest-same-as-text").textContent = same.dataset.note;
      sameAsNote.hidden = false;
      return;
    }
    if (event.target.id === "suggest-same-as-undo") {
      sameAs.value = "";
      sameAsNote.hidden = true;
    }
  });
  // Picking a category by hand after applying one: the record says it was not applied.
  document.getElementById("f-category").addEventListener("change", (event) => {
    if (applied.value && event.target.value !== applied.value) applied.value = "";
  });
})();
