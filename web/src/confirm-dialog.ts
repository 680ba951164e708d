/** What a confirmation asks. */
export interface ConfirmSpec {
  title: string;
  body: string;
  confirmLabel: string;
}

/**
 * Ask before a destructive action with a modal <dialog> (focus is trapped and Escape cancels, natively).
 * Resolves true only when the owner pressed the confirm button.
 */
export function confirmAction(spec: ConfirmSpec): Promise<boolean> {
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm';
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  dialog.setAttribute('aria-describedby', 'confirm-body');
  const h = document.createElement('h2');
  h.id = 'confirm-title';
  h.textContent = spec.title;
  const p = document.createElement('p');
  p.id = 'confirm-body';
  p.textContent = spec.body;
  // Plain buttons, not <form method=dialog>: the page's CSP has form-action 'none'.
  const actions = document.createElement('div');
  actions.className = 'actions';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = 'Cancel';
  cancel.addEventListener('click', () => dialog.close('cancel'));
  const ok = document.createElement('button');
  ok.type = 'button';
  ok.className = 'danger';
  ok.textContent = spec.confirmLabel;
  ok.addEventListener('click', () => dialog.close('confirm'));
  actions.append(cancel, ok);
  dialog.append(h, p, actions);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    dialog.showModal();
    cancel.focus();
  });
}
