/* The embeddable widget: <script src="https://BOT/widget.js" data-locale="es" defer></script>
   adds a launcher button that opens the chat in an iframe from the bot's own origin. The host
   page can read nothing of the conversation (another origin), and nothing is stored. */
(function () {
  "use strict";
  var WORDS = /*WORDS*/{};
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin = new URL(script.src).origin;
  var locale = script.getAttribute("data-locale") || "en";
  var words = WORDS[locale] || WORDS.en || { open: "Open the chat", close: "Close the chat", title: "Chat" };
  var frame = null;

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = words.open;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-redirection-bot", "launcher");
  var s = button.style;
  s.position = "fixed"; s.right = "1rem"; s.bottom = "1rem"; s.zIndex = "2147483000";
  s.padding = "0.75rem 1.1rem"; s.borderRadius = "2rem"; s.border = "2px solid #1d4f91";
  s.background = "#1d4f91"; s.color = "#fff"; s.font = "600 1rem/1.2 system-ui, sans-serif";
  s.cursor = "pointer";

  function open() {
    frame = document.createElement("iframe");
    frame.src = origin + "/?locale=" + encodeURIComponent(locale);
    frame.title = words.title;
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("sandbox", "allow-scripts allow-forms allow-same-origin");
    frame.setAttribute("data-redirection-bot", "frame");
    var f = frame.style;
    f.position = "fixed"; f.right = "1rem"; f.bottom = "4.5rem"; f.zIndex = "2147483000";
    f.width = "min(26rem, calc(100vw - 2rem))"; f.height = "min(38rem, calc(100vh - 6rem))";
    f.border = "1px solid #767676"; f.borderRadius = "0.6rem"; f.background = "#fff";
    document.body.appendChild(frame);
    button.textContent = words.close;
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function close() {
    if (frame) { frame.parentNode.removeChild(frame); frame = null; }
    button.textContent = words.open;
    button.setAttribute("aria-expanded", "false");
  }

  button.addEventListener("click", function () { if (frame) { close(); } else { open(); } });
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data && event.data.type === "redirection-bot:exit") { close(); }
  });

  function mount() { document.body.appendChild(button); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
