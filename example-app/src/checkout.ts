/**
 * A guest checkout (docs/prefill.md): the buyer's details typed or filled from mojeID without an
 * account or a login. The form is the app's; mojeID only supplies its initial values, once.
 */
import { html, type MojeIdPrefill } from 'passport-mojeid-oidc';
import { layout, type PageContext } from './views.js';

export interface CheckoutValues {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly street: string;
  readonly city: string;
  readonly postcode: string;
  readonly country: string;
}

const EMPTY: CheckoutValues = { name: '', email: '', phone: '', street: '', city: '', postcode: '', country: '' };

/** The form's fields from a prefill; what mojeID did not release stays empty for the user to type. */
export function checkoutValues(prefill: MojeIdPrefill | undefined): CheckoutValues {
  if (!prefill) return EMPTY;
  const address = prefill.address;
  return {
    name: [prefill.given_name, prefill.family_name].filter(Boolean).join(' '),
    email: prefill.email ?? '',
    phone: prefill.phone_number ?? '',
    street: address?.street_address ?? '',
    city: address?.locality ?? '',
    postcode: address?.postal_code ?? '',
    country: address?.country ?? '',
  };
}

export function checkoutPage(ctx: PageContext, values: CheckoutValues, prefillUrl: string, filled: boolean): string {
  const field = (name: keyof CheckoutValues, label: string, type = 'text') =>
    html`<p><label>${label}<br><input type="${type}" name="${name}" id="checkout-${name}" value="${values[name]}"></label></p>`;
  const body = html`<h1>Nákup bez účtu / Guest checkout</h1>
<p>Vyplňte údaje, nebo je načtěte z mojeID; účet ani přihlášení nejsou potřeba.<br><span lang="en">Type your details, or fill them in from mojeID; no account or login needed.</span></p>
${filled ? html`<p class="notice ok" role="status" id="prefilled">Vyplněno z mojeID; zkontrolujte údaje. / Filled in from mojeID; please check.</p>` : ''}
<p><a class="button" id="prefill-from-mojeid" href="${prefillUrl}">Vyplnit z mojeID / Fill in from mojeID</a></p>
<form id="checkout" method="get" action="/checkout">
${field('name', 'Jméno a příjmení / Name')}
${field('email', 'E-mail', 'email')}
${field('phone', 'Telefon / Phone', 'tel')}
${field('street', 'Ulice / Street')}
${field('city', 'Obec / City')}
${field('postcode', 'PSČ / Postcode')}
${field('country', 'Země / Country')}
<p><button type="button" disabled>Objednat / Order (ukázka / demo)</button></p>
</form>`;
  return layout(ctx, 'Nákup bez účtu / Guest checkout', body);
}
