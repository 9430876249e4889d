/**
 * The account-creation page (§6.1): a form with the prefilled data that the browser POSTs to
 * mojeID's registration endpoint. The page's CSP forbids inline scripts, so the auto-submit is
 * an external script served by the router (`REGISTER_SCRIPT`); without JavaScript the visible
 * button submits it. When fields were dropped the page does not auto-submit: the person first
 * reads what was not passed on and why, then continues with the button.
 */
import { registrationFieldDefinition, type DroppedField } from '../registration/fields.js';
import { html } from './html.js';
import { DROPPED_FIELD_TEXTS, TEXTS } from './messages.js';
import { layout, type LayoutOptions } from './pages.js';

export interface RegistrationPageOptions extends LayoutOptions {
  /** mojeID's registration (or transfer) endpoint. */
  action: string;
  /** `realm`, `registration_nonce` and the validated fields, in that order. */
  fields: ReadonlyArray<readonly [string, string]>;
  dropped: readonly DroppedField[];
  scriptUrl: string;
}

export function registrationPage(options: RegistrationPageOptions): string {
  const t = TEXTS[options.locale];
  const droppedList = options.dropped.length
    ? html`<div class="mojeid-dropped" role="status"><p>${t.registrationDropped}</p>
<ul>${options.dropped.map(
        (d) =>
          html`<li data-field="${d.field}" data-reason="${d.reason}"><strong>${registrationFieldDefinition(d.field)?.label[options.locale] ?? d.field}</strong>: ${DROPPED_FIELD_TEXTS[d.reason][options.locale]}</li>`,
      )}</ul>
<p>${t.registrationDroppedHint}</p></div>`
    : '';
  const body = html`<h1>${t.registrationTitle}</h1>
<p>${t.registrationIntro}</p>
${droppedList}
<form id="mojeid-register" method="post" action="${options.action}" data-autosubmit="${options.dropped.length ? 'false' : 'true'}">
${options.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<button type="submit" class="mojeid-button"><span class="mojeid-mark" aria-hidden="true">mojeID</span> ${t.registrationContinue}</button>
</form>
<script src="${options.scriptUrl}" defer></script>`;
  return layout(options, body);
}

/** Served at `<mount>/assets/mojeid-register.js`; submits the form unless told not to. */
export const REGISTER_SCRIPT = `(function () {
  var form = document.getElementById('mojeid-register');
  if (form && form.getAttribute('data-autosubmit') === 'true') form.submit();
})();
`;
