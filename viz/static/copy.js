/* govgraph text pages: the "copy answer" button copies the answer in words, each link followed
 * by its address, as plain text for an e-mail. Reads nothing but the page itself. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.querySelector(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var clone = target.cloneNode(true);
      clone.querySelectorAll("button, form").forEach(function (b) { b.remove(); });
      clone.querySelectorAll("a[href]").forEach(function (a) {
        var href = new URL(a.getAttribute("href"), window.location.href);
        if (href.protocol === "http:" || href.protocol === "https:") a.textContent = a.textContent + " <" + href.href + ">";
      });
      clone.style.position = "absolute"; clone.style.left = "-10000px";
      document.body.appendChild(clone);
      var text = clone.innerText.replace(/\n{3,}/g, "\n\n").trim();
      clone.remove();
      navigator.clipboard.writeText(text).then(function () {
        if (button.dataset.copied) button.textContent = button.dataset.copied;
      });
    });
  });
})();
