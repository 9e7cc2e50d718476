// Export links of list pages ([data-export-link]): the list's filters change without reloading the
// page (htmx pushes them into the address bar), so on click the link takes the current query string.
// Without JavaScript every filter change reloads the page, and the server-rendered href is current.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-export-link]");
  if (!link) {
    return;
  }
  const url = new URL(link.href, window.location.href);
  url.search = window.location.search;
  link.href = url.toString();
});
