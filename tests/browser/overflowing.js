// What a longer text breaks (tests/browser/test_text_length.py): a list of findings.
() => {
  const found = [];
  const width = document.documentElement.clientWidth;
  const hidden = (el) => el.closest('.govuk-visually-hidden, .govuk-skip-link:not(:focus), [hidden], template, dialog:not([open])');
  const scrolls = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const name = (el, text) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${text.trim().replace(/\s+/g, ' ').slice(0, 50)}`;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    if (!node.textContent.trim()) continue;
    let box = node.parentElement;
    while (box && getComputedStyle(box).display === 'inline') box = box.parentElement;
    if (!box || hidden(box) || !box.getClientRects().length) continue;
    const outer = box.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (!r.width) continue;
      if (r.left < outer.left - 1 || r.right > outer.right + 1) {
        found.push(`text out of its box: ${name(box, node.textContent)}`);
        break;
      }
      if (!scrolls(box) && (r.left < -1 || r.right > width + 1)) {
        found.push(`text out of the window: ${name(box, node.textContent)}`);
        break;
      }
    }
  }
  const controls = 'button, .govuk-button, select, input, th, .govuk-service-navigation__item, .govuk-tabs__list-item, .govuk-summary-list__key';
  for (const el of document.querySelectorAll(controls)) {
    if (hidden(el) || !el.getClientRects().length || scrolls(el) || el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > width + 1) found.push(`out of the window: ${name(el, el.innerText || el.value || '')}`);
    // 3 pixels: a GOV.UK button's click area (::before) reaches 2 pixels beyond it.
    if (el.tagName !== 'SELECT' && el.scrollWidth > el.clientWidth + 3) found.push(`wider than its box (${el.scrollWidth} > ${el.clientWidth}): ${name(el, el.innerText || '')}`);
  }
  return found;
}
