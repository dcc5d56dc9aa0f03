// Progressive enhancement only: every page works without this script.
(() => {
  'use strict';

  // Dates: the server writes UTC; show them in the reader's own time zone.
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  const localize = (root) => {
    for (const t of root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) {
        t.textContent = (t.dataset.style === 'date' ? dateOnly : dateTime).format(d);
        t.title = d.toISOString();
      }
    }
  };
  localize(document);

  // Photo grid: load a thumbnail only when it comes within one screen of the view.
  const thumbs = document.querySelectorAll('img.thumb[data-src]');
  if (thumbs.length > 0 && 'IntersectionObserver' in window) {
    const observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) {
          e.target.src = e.target.dataset.src;
          e.target.removeAttribute('data-src');
          observer.unobserve(e.target);
        }
      }
    }, { rootMargin: '100% 0px 100% 0px' });
    thumbs.forEach((img) => observer.observe(img));
  } else {
    thumbs.forEach((img) => { img.src = img.dataset.src; });
  }

  // Conversations: "Older messages" loads the previous page into this one instead of leaving it.
  const list = document.querySelector('ol.messages');
  const older = document.querySelector('a.older');
  if (list && older) {
    const loadOlder = async (event) => {
      if (event) event.preventDefault();
      const link = document.querySelector('a.older');
      if (!link || link.dataset.loading) return;
      link.dataset.loading = '1';
      const response = await fetch(link.href, { credentials: 'same-origin' });
      if (!response.ok) { window.location.href = link.href; return; }
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      const items = doc.querySelectorAll('ol.messages > li');
      const before = document.documentElement.scrollHeight;
      const fragment = document.createDocumentFragment();
      items.forEach((li) => fragment.appendChild(document.adoptNode(li)));
      list.prepend(fragment);
      localize(list);
      window.scrollBy(0, document.documentElement.scrollHeight - before);
      const next = doc.querySelector('a.older');
      if (next) { link.href = next.href; delete link.dataset.loading; } else { link.parentElement.remove(); }
    };
    older.addEventListener('click', loadOlder);
  }

  // A conversation opens at its newest message.
  if (list && !window.location.hash && list.dataset.page) {
    const last = list.lastElementChild;
    if (last && !document.querySelector('a.newer')) last.scrollIntoView({ block: 'end' });
  }
})();
