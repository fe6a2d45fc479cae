// Progressive enhancement for the timeline's filter form. Without JavaScript the form still
// works: it is a plain GET form, every option is listed and the typeahead is a text field.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.querySelector(".filter-form");
  if (!form) return;

  // On a phone the filters start folded, unless a filter needs fixing.
  var disclosure = document.querySelector(".filters-disclosure");
  if (disclosure && window.matchMedia("(max-width: 820px)").matches &&
      !form.querySelector("[aria-invalid=true]")) {
    disclosure.open = false;
  }

  // Keep shared links short: empty fields, and an order that is the default anyway (newest
  // first, unless there is a search), are not sent. The server redirects such an address to
  // the short one too, for a form sent without this script.
  // An order the reader did not choose is not sent either: typing a search on a page in
  // the default order then gives the search's own default, best match first.
  var order = form.querySelector("select[name=order]");
  var orderAsLoaded = order ? order.value : "";
  var orderGiven = new URLSearchParams(window.location.search).has("order");
  function saysNothing(field, searched) {
    var value = field.value.trim();
    if (!value) return true;
    if (field !== order) return false;
    return (value === "desc" && !searched) || (!orderGiven && value === orderAsLoaded);
  }
  var left = [];
  form.addEventListener("submit", function (event) {
    var search = form.querySelector("input[name=q]");
    var searched = !!(search && search.value.trim());
    form.querySelectorAll("input, select").forEach(function (field) {
      if (field.name && !field.disabled && saysNothing(field, searched)) {
        field.disabled = true;
        left.push(field);
      }
    });
    // Nothing left to send: the timeline's own address, not "/?".
    if (new FormData(form).keys().next().done) {
      event.preventDefault();
      window.location.assign(form.action);
    }
  });
  // Back to this page from the next one (the browser's page cache): the fields work again.
  window.addEventListener("pageshow", function () {
    left.forEach(function (field) { field.disabled = false; });
    left = [];
  });

  // Long facet lists show their first options and a button for the rest.
  form.querySelectorAll(".facet").forEach(function (facet) {
    var extra = facet.querySelectorAll(".facet-extra");
    if (!extra.length) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "more";
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Show " + extra.length + " more";
    button.addEventListener("click", function () {
      var open = facet.classList.toggle("expanded");
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Show fewer" : "Show " + extra.length + " more";
    });
    facet.querySelector(".facet-options").after(button);
  });

  // Typeahead: suggest records by name; the field still takes a record's key.
  form.querySelectorAll("input[data-typeahead]").forEach(function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.after(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var term = input.value.trim();
      if (term.length < 2) return;
      timer = setTimeout(function () {
        var url = input.dataset.typeahead + "?format=json&q=" + encodeURIComponent(term);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.slug;
              option.label = item.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
