// Pagefind's default UI on the search page; ?q=word starts a search. No inline script, so
// the page's Content-Security-Policy can forbid it.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var fallback = document.getElementById("search-fallback");
  if (fallback) fallback.hidden = true;
  var ui = new PagefindUI({
    element: "#search",
    baseUrl: box.getAttribute("data-base-url") || "/",
    showImages: false,
    showSubResults: false,
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
