// The Print button of printable pages (User details). Without JavaScript there is no button
// and the page says to use the browser's Print command instead. Each element with
// data-openimi-print="<label>" gets a button with that label as its first child.
for (const group of document.querySelectorAll("[data-openimi-print]")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button";
  button.textContent = group.dataset.openimiPrint;
  button.addEventListener("click", () => window.print());
  group.prepend(button);
}
