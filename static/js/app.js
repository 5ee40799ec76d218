// Small behaviours shared by every page. Loaded as a file so the CSP needs no 'unsafe-inline'.
(function () {
  "use strict";
  // Submit a select's form on change where asked (filters), without inline handlers.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
  // Checkbox "select all" for bulk actions: <input data-check-all="name">.
  document.addEventListener("change", function (event) {
    var el = event.target;
    var name = el.getAttribute && el.getAttribute("data-check-all");
    if (!name) { return; }
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = el.checked;
    });
  });
})();
