// Progressive enhancement for form fields shown only for some answers (see
// templates/macros/dynamic_fields.html). Without JavaScript every field is shown with a hint
// ("Only needed if ..."), and the server ignores answers to fields that do not apply.
(function () {
  "use strict";

  function currentValues(form, name) {
    var values = [];
    var inputs = form.querySelectorAll("[name]");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.name !== name) { continue; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { values.push(el.type === "checkbox" && el.value === "y" ? "true" : el.value); }
      } else if (el.value !== "") {
        values.push(el.value);
      }
    }
    return values;
  }

  function wrapperOf(form, name) {
    var el = form.querySelector("[name='" + name.replace(/'/g, "") + "']");
    return el ? el.closest(".conditional-field") : null;
  }

  function update(form) {
    var wrappers = form.querySelectorAll(".conditional-field[data-show-if-field]");
    // Repeat so chains (A controls B controls C) settle; a chain is at most as long as the list.
    for (var round = 0; round <= wrappers.length; round++) {
      var changed = false;
      for (var i = 0; i < wrappers.length; i++) {
        var w = wrappers[i];
        var field = w.getAttribute("data-show-if-field");
        var expected = (w.getAttribute("data-show-if-value") || "").toLowerCase();
        var controller = wrapperOf(form, field);
        var show = !(controller && controller.hidden) &&
          currentValues(form, field).some(function (v) { return String(v).toLowerCase() === expected; });
        if (w.hidden === show) { w.hidden = !show; changed = true; }
      }
      if (!changed) { break; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = {};
    document.querySelectorAll(".conditional-field[data-show-if-field]").forEach(function (w) {
      var form = w.closest("form");
      if (form && !form.hasAttribute("data-conditional")) {
        form.setAttribute("data-conditional", "1");
        form.addEventListener("change", function () { update(form); });
        form.addEventListener("input", function () { update(form); });
        update(form);
      }
      if (w.querySelector(".condition-hint")) {
        w.querySelector(".condition-hint").hidden = true;  // the field appears only when it applies
      }
    });
  });
})();
