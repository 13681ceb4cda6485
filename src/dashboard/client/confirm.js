// @ts-check
/** Asks before a destructive form is sent: forms carrying `data-confirm="question"`. */
for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.getAttribute('data-confirm') ?? 'Are you sure?')) event.preventDefault();
  });
}
