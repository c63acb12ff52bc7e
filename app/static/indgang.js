// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: leave without adding this site to the back-button history.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });

  // The chat updates in place: forms post with fetch and the chat region is swapped.
  function swapChat(html, url) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var main = document.getElementById("main");
    var fresh = next.getElementById("main");
    if (!main || !fresh) { return false; }
    main.innerHTML = fresh.innerHTML;
    document.title = next.title;
    if (url && url !== window.location.href) { window.history.pushState({}, "", url); }
    var target = main.querySelector("[role=alert], #answer-number, .quick-replies button, .ticks input, h1");
    if (target) { target.focus({ preventScroll: false }); }
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("[data-chat]")) { return; }
    event.preventDefault();
    var data = new FormData(form, event.submitter);
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!swapChat(html, response.url)) { window.location.assign(response.url); }
        });
      })
      .catch(function () { form.submit(); });
  });

  window.addEventListener("popstate", function () { window.location.reload(); });
})();
