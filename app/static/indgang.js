// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function leave() {
    var link = document.querySelector("[data-quick-exit]");
    if (link) { window.location.replace(link.href); }
  }

  // Quick exit: leave without adding this site to the back-button history.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    leave();
  });

  // Shift pressed three times within five seconds leaves too (GOV.UK "Exit this page").
  var shiftPresses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    shiftPresses = shiftPresses.filter(function (at) { return now - at < 5000; });
    shiftPresses.push(now);
    if (shiftPresses.length >= 3) { leave(); }
  });

  // Where focus goes after the chat has changed in place: the error summary, else emergency
  // help, else the reply to a typed question, else the new question's heading.
  function focusWhatChanged(main) {
    var target = main.querySelector("[data-error-summary]") || main.querySelector(".crisis") ||
      main.querySelector("[data-reply]") || main.querySelector("h1");
    if (!target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }

  // The chat updates in place: forms post with fetch and the chat region is swapped. Each
  // question has its own address, pushed to the history so the phone's Back button goes back.
  function swapChat(html, response, replace) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var main = document.getElementById("main");
    var fresh = next.getElementById("main");
    if (!main || !fresh) { return false; }
    main.innerHTML = fresh.innerHTML;
    document.title = next.title;
    // A new page in all but name: start at its top, or focusing the heading would only scroll it
    // to the edge of the screen, under the sticky header (a long question ends far down).
    window.scrollTo(0, 0);
    if (response.redirected && response.url !== window.location.href) {
      window.history[replace ? "replaceState" : "pushState"]({}, "", response.url);
    }
    focusWhatChanged(main);
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
          if (!swapChat(html, response)) { window.location.assign(response.url); }
        });
      })
      .catch(function () { form.submit(); });
  });

  // Back and Forward between questions stay in this one page: the question at the address the
  // history now shows is fetched and swapped in (a reload would split the history between two
  // documents, and a second Back could then land on a stale page).
  window.addEventListener("popstate", function () {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!swapChat(html, response, true)) { window.location.reload(); }
        });
      })
      .catch(function () { window.location.reload(); });
  });
})();
