// Small behaviours shared by every page. Loaded as a file so the CSP needs no 'unsafe-inline'.
// Everything here is an enhancement: each page works without it (plain forms, plain links).
(function () {
  "use strict";

  // htmx "settles" class and style from the old element onto the new one with setAttribute;
  // a style attribute written that way is inline style, which our CSP refuses (and we never
  // use inline style anyway). Settle classes and sizes only.
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }

  function plural(el, n) {
    // Texts come translated from the template: data-none / data-one / data-many ("__N__" = n).
    if (n === 0 && el.dataset.none) { return el.dataset.none; }
    if (n === 1) { return el.dataset.one; }
    return (el.dataset.many || "").replace("__N__", String(n));
  }

  // Submit a select's form on change where asked (filters), without inline handlers.
  // In a form[data-live-filters] every control does it, except the search box: that one
  // submits as the person types (htmx) or with Enter, never again when it loses focus
  // (which would reload the list under a row's open allocation form).
  document.addEventListener("change", function (event) {
    var el = event.target;
    var form = el.form;
    if (!form || !el.matches) { return; }
    var live = form.hasAttribute("data-live-filters") && el.type !== "search";
    if (live || el.matches("[data-autosubmit]")) {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });

  // ---- Bulk allocation in the queue ------------------------------------------------------
  function bulkRefresh() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) { return; }
    var boxes = document.querySelectorAll('input[type=checkbox][name="tickets"][form="' + form.id + '"]');
    var chosen = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
    var count = form.querySelector("[data-bulk-count]");
    if (count) { count.textContent = plural(count, chosen); }
    var submit = form.querySelector("[data-bulk-submit]");
    if (submit) { submit.disabled = chosen === 0; }
    // The technicians and their load load once, when the first ticket is ticked (htmx).
    if (chosen > 0) { document.body.dispatchEvent(new CustomEvent("bulk-selected")); }
    var all = document.querySelector("[data-check-all]");
    if (all) {
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    var name = el.getAttribute && el.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
    if (name || (el.name === "tickets" && el.type === "checkbox")) { bulkRefresh(); }
  });

  // The list may have been filtered in place (htmx): come back to what is on screen now.
  document.addEventListener("submit", function (event) {
    var next = event.target.querySelector && event.target.querySelector("[data-current-location]");
    if (next) { next.value = window.location.pathname + window.location.search; }
  });

  // ---- Allocation from a queue row: Cancel puts the row's button back ---------------------
  var allocBefore = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id && target.id.indexOf("alloc-") === 0 && !allocBefore[target.id]) {
      allocBefore[target.id] = target.innerHTML;
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-alloc-cancel]");
    if (!button) { return; }
    var cell = button.closest("td[id^='alloc-']");
    if (cell && allocBefore[cell.id] !== undefined) {
      cell.innerHTML = allocBefore[cell.id];
      delete allocBefore[cell.id];
      if (window.htmx) { window.htmx.process(cell); }
      var link = cell.querySelector("a, button");
      if (link) { link.focus(); }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) { return; }
    if (target.id && target.id.indexOf("alloc-") === 0) {
      var select = target.querySelector("[data-autofocus]");
      if (select) { select.focus(); }
    } else if (target.id && target.id.indexOf("row-") === 0) {
      delete allocBefore["alloc-" + target.id.slice(4)];
    }
    bulkRefresh();
  });

  // ---- File and photo pickers: say what was chosen, with a preview of photos --------------
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-file-input]")) { return; }
    var preview = input.parentNode.querySelector("[data-file-preview]");
    if (!preview) { return; }
    preview.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    var count = document.createElement("span");
    count.className = "file-count";
    count.textContent = plural(input, files.length);
    preview.appendChild(count);
    files.forEach(function (file) {
      if (file.type && file.type.indexOf("image/") === 0 && window.URL && URL.createObjectURL) {
        var img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
        preview.appendChild(img);
      } else {
        var name = document.createElement("span");
        name.className = "badge text-bg-light border";
        name.textContent = file.name;
        preview.appendChild(name);
      }
    });
  });

  // ---- New ticket: offer only the areas of the chosen unit --------------------------------
  function filterAreas(areaSelect) {
    var unit = document.getElementById(areaSelect.getAttribute("data-area-for"));
    if (!unit) { return; }
    Array.prototype.forEach.call(areaSelect.options, function (option) {
      var owner = option.getAttribute("data-unit");
      option.hidden = Boolean(owner && unit.value && owner !== unit.value);
      if (option.hidden && option.selected) { areaSelect.value = ""; }
    });
  }
  document.addEventListener("change", function (event) {
    if (!event.target.id) { return; }
    document.querySelectorAll('[data-area-for="' + event.target.id + '"]').forEach(filterAreas);
  });

  // ---- A link to #finish / #pause / #block opens that panel (e.g. "Finish" on a card) ------
  function openFromHash() {
    var id = window.location.hash.slice(1);
    if (["finish", "pause", "block"].indexOf(id) === -1) { return; }
    var panel = document.getElementById(id);
    if (panel && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
      panel.scrollIntoView({ block: "start" });
    }
  }

  // ---- Success messages fade out after a while; errors stay until closed --------------------
  function dismissLater() {
    document.querySelectorAll("#messages .alert-success:not([data-dismissing])").forEach(function (alert) {
      alert.setAttribute("data-dismissing", "");
      window.setTimeout(function () {
        if (window.bootstrap && alert.isConnected) { window.bootstrap.Alert.getOrCreateInstance(alert).close(); }
      }, 6000);
    });
  }
  document.addEventListener("htmx:afterSettle", dismissLater);
  document.addEventListener("htmx:oobAfterSwap", dismissLater);

  document.addEventListener("DOMContentLoaded", function () {
    dismissLater();
    document.querySelectorAll("[data-area-for]").forEach(filterAreas);
    bulkRefresh();
    openFromHash();
  });
})();
