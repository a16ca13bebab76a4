// Suggestions while typing on the search page: titles from /search/suggest/?q=, asked 250 ms
// after the last key press, shown under the box (arrow keys and Enter choose one). The page
// works without it: the form is a plain GET form.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".search-suggestions");
  var url = form.getAttribute("data-suggest-url");
  var timer = null, asked = "", active = -1, controller = null;

  function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }
  function choose(item) {
    if (item.url) { window.location.href = item.url; } else { input.value = item.title; form.submit(); }
  }
  function show(items) {
    list.innerHTML = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "search-suggestion-" + i; li.setAttribute("role", "option");
      var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = item.kind_label;
      var title = document.createElement("span"); title.textContent = item.title;
      li.appendChild(kind); li.appendChild(title);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0; active = -1;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    list._items = items;
  }
  function ask() {
    var q = input.value.trim();
    if (q === asked) return;
    asked = q;
    if (!q) { close(); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", signal: controller ? controller.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
      .catch(function () {});
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
  input.addEventListener("keydown", function (event) {
    var options = list.querySelectorAll("li");
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); choose(list._items[active]);
    } else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
