/**
 * Everything a person reads on the library's pages, in Czech and English. Error texts are keyed
 * by `MojeIdError.code` and say what happened and what to do, never internal details.
 */
import type { MojeIdErrorCode } from '../errors.js';
import type { DroppedFieldReason } from '../registration/fields.js';

export type Locale = 'cs' | 'en';

export interface PageTexts {
  loginTitle: string;
  loginIntro: string;
  loginButton: string;
  whyMojeId: string;
  createAccount: string;
  loggedInAs: string;
  logoutButton: string;
  loggedOutTitle: string;
  loggedOutText: string;
  alsoLogoutMojeId: string;
  alsoLogoutMojeIdHint: string;
  stayLoggedInMojeId: string;
  errorTitle: string;
  tryAgain: string;
  backHome: string;
  continue: string;
  alreadyLoggedIn: string;
  missingClaimsList: string;
  developerDetail: string;
  poweredBy: string;
  registrationTitle: string;
  registrationIntro: string;
  registrationContinue: string;
  registrationDropped: string;
  registrationDroppedHint: string;
  registrationErrorTitle: string;
}

export const TEXTS: Readonly<Record<Locale, PageTexts>> = {
  cs: {
    loginTitle: 'Přihlášení',
    loginIntro: 'Přihlaste se svým účtem mojeID.',
    loginButton: 'Přihlásit přes mojeID',
    whyMojeId: 'Proč mojeID',
    createAccount: 'Založit účet mojeID',
    loggedInAs: 'Jste přihlášeni jako',
    logoutButton: 'Odhlásit se',
    loggedOutTitle: 'Byli jste odhlášeni',
    loggedOutText: 'Z této služby jste odhlášeni. Ve službě mojeID zůstáváte přihlášeni.',
    alsoLogoutMojeId: 'Odhlásit se i z mojeID',
    alsoLogoutMojeIdHint: 'Doporučujeme na cizím nebo sdíleném počítači.',
    stayLoggedInMojeId: 'Zůstat přihlášen v mojeID',
    errorTitle: 'Přihlášení se nepodařilo',
    tryAgain: 'Zkusit znovu',
    backHome: 'Zpět na úvodní stránku',
    continue: 'Pokračovat',
    alreadyLoggedIn: 'Už jste přihlášeni.',
    missingClaimsList: 'Chybějící údaje:',
    developerDetail: 'Pro vývojáře (zobrazeno jen mimo produkci, NODE_ENV není production):',
    poweredBy: 'Podporuje mojeID',
    registrationTitle: 'Založení účtu mojeID',
    registrationIntro: 'Přesměrováváme vás do mojeID, kde dokončíte založení účtu s předvyplněnými údaji.',
    registrationContinue: 'Pokračovat do mojeID',
    registrationDropped: 'Tyto údaje jsme do mojeID nepředali, protože nemají správný tvar:',
    registrationDroppedHint: 'V mojeID je můžete doplnit ručně.',
    registrationErrorTitle: 'Účet mojeID nelze založit',
  },
  en: {
    loginTitle: 'Log in',
    loginIntro: 'Log in with your mojeID account.',
    loginButton: 'Log in with mojeID',
    whyMojeId: 'Why mojeID',
    createAccount: 'Create mojeID account',
    loggedInAs: 'You are logged in as',
    logoutButton: 'Log out',
    loggedOutTitle: 'You are logged out',
    loggedOutText: 'You are logged out of this service. You are still logged in to mojeID.',
    alsoLogoutMojeId: 'Log out of mojeID too',
    alsoLogoutMojeIdHint: 'Recommended on a shared or public computer.',
    stayLoggedInMojeId: 'Stay logged in to mojeID',
    errorTitle: 'Login failed',
    tryAgain: 'Try again',
    backHome: 'Back to the home page',
    continue: 'Continue',
    alreadyLoggedIn: 'You are already logged in.',
    missingClaimsList: 'Missing data:',
    developerDetail: 'For the developer (shown only outside production, NODE_ENV is not production):',
    poweredBy: 'Powered by mojeID',
    registrationTitle: 'Create a mojeID account',
    registrationIntro: 'We are taking you to mojeID to finish creating your account, with your data filled in.',
    registrationContinue: 'Continue to mojeID',
    registrationDropped: 'These data were not passed to mojeID because they are not in the form mojeID accepts:',
    registrationDroppedHint: 'You can fill them in at mojeID.',
    registrationErrorTitle: 'A mojeID account cannot be created',
  },
};

export const ERROR_TEXTS: Readonly<Record<MojeIdErrorCode, Readonly<Record<Locale, string>>>> = {
  invalid_configuration: {
    cs: 'Přihlášení přes mojeID není v této službě správně nastaveno. Kontaktujte prosím provozovatele.',
    en: 'Login with mojeID is not configured correctly on this service. Please contact its operator.',
  },
  session_missing: {
    cs: 'Služba nemůže uložit průběh přihlášení. Kontaktujte prosím provozovatele.',
    en: 'This service cannot keep track of the login. Please contact its operator.',
  },
  session_store_failed: {
    cs: 'Služba teď nemůže uložit údaje z mojeID. Zkuste to prosím za chvíli znovu.',
    en: 'This service cannot store the data from mojeID right now. Please try again in a little while.',
  },
  provider_unavailable: {
    cs: 'Služba mojeID je momentálně nedostupná. Zkuste to prosím za chvíli znovu.',
    en: 'mojeID is not reachable at the moment. Please try again in a little while.',
  },
  access_denied: {
    cs: 'Přihlášení bylo v mojeID zrušeno nebo jste nesouhlasili s předáním údajů.',
    en: 'The login was cancelled at mojeID, or you did not agree to share your data.',
  },
  login_required: {
    cs: 'Pro pokračování se musíte v mojeID přihlásit.',
    en: 'You need to log in at mojeID to continue.',
  },
  unauthorized_client: {
    cs: 'mojeID tuto službu nerozpoznalo. Provozovatel musí zkontrolovat její registraci.',
    en: 'mojeID did not recognise this service. Its operator needs to check the registration.',
  },
  provider_error: {
    cs: 'mojeID přihlášení nedokončilo. Zkuste to prosím znovu.',
    en: 'mojeID could not complete the login. Please try again.',
  },
  invalid_callback: {
    cs: 'Odpověď na přihlášení je neplatná nebo už byla použita. Začněte prosím znovu.',
    en: 'The login response is invalid or was already used. Please start again.',
  },
  // A malformed login link (step-up parameters) or form (logout, account creation).
  bad_request: {
    cs: 'Tento odkaz nebo formulář není platný. Začněte prosím znovu.',
    en: 'This link or form is not valid. Please start again.',
  },
  state_mismatch: {
    cs: 'Toto přihlášení vypršelo, už bylo dokončeno, nebo bylo zahájeno jinde. Začněte prosím znovu.',
    en: 'This login has expired, was already completed, or was started elsewhere. Please start again.',
  },
  token_validation_failed: {
    cs: 'Odpověď od mojeID neprošla bezpečnostní kontrolou, proto jsme vás nepřihlásili.',
    en: 'The response from mojeID failed a security check, so you were not logged in.',
  },
  userinfo_failed: {
    cs: 'Nepodařilo se načíst vaše údaje z mojeID. Zkuste to prosím znovu.',
    en: 'Your data could not be loaded from mojeID. Please try again.',
  },
  insufficient_assurance: {
    cs: 'Tato služba vyžaduje účet mojeID ověřený přes NIA (eIDAS) na požadované úrovni. Propojte svůj účet s NIA v profilu mojeID.',
    en: 'This service needs a mojeID account verified through NIA (eIDAS) at the required level. Pair your account with NIA in your mojeID profile.',
  },
  missing_required_claims: {
    cs: 'Bez těchto údajů vás služba nemůže přihlásit. Přihlaste se znovu a předání údajů povolte.',
    en: 'This service cannot log you in without the data below. Log in again and allow sharing it.',
  },
  account_not_accepted: {
    cs: 'Tato služba přijímá jen ověřené účty mojeID, které váš účet zatím nesplňuje.',
    en: 'This service accepts only verified mojeID accounts, and yours does not qualify yet.',
  },
  csrf_failed: {
    cs: 'Požadavek nepřišel z této služby nebo vypršel. Zkuste to prosím znovu.',
    en: 'The request did not come from this service, or it expired. Please try again.',
  },
  passport_misconfigured: {
    cs: 'Přihlášení v této službě není správně nastavené. Kontaktujte prosím provozovatele.',
    en: "This service's login is not set up correctly. Please contact its operator.",
  },
  login_refused: {
    cs: 'Tato služba vaše přihlášení nepřijala.',
    en: 'This service did not accept your login.',
  },
  verify_failed: {
    cs: 'Přihlášení se nepodařilo dokončit. Zkuste to prosím znovu.',
    en: 'The login could not be completed. Please try again.',
  },
  // Not the visitor's fault and nothing they can fix; the log line and onError carry the cause.
  internal_error: {
    cs: 'Ve službě došlo k neočekávané chybě. Zkuste to prosím za chvíli znovu.',
    en: 'Something unexpected went wrong on this service. Please try again in a little while.',
  },
  // Account creation from the app (ch. 6).
  registration_refused: {
    cs: 'Účet mojeID teď odsud založit nelze. Přihlaste se ke svému účtu v této službě a zkuste to znovu.',
    en: 'A mojeID account cannot be created from here right now. Log in to your account on this service and try again.',
  },
  registration_unavailable: {
    cs: 'Založení účtu mojeID je dočasně nedostupné. Zkuste to prosím za chvíli znovu.',
    en: 'Creating a mojeID account is temporarily unavailable. Please try again in a little while.',
  },
  notification_refused: {
    cs: 'Oznámení od mojeID bylo odmítnuto.',
    en: 'The notification from mojeID was refused.',
  },
  // Client registration (§5.1.3) is the operator's business; a visitor only learns it is not their fault.
  client_registration_failed: {
    cs: 'Registrace této služby v mojeID se nezdařila. Kontaktujte prosím provozovatele.',
    en: "This service's registration with mojeID failed. Please contact its operator.",
  },
  registration_change_refused: {
    cs: 'Tuto změnu registrace služby mojeID nepřipouští. Kontaktujte prosím provozovatele.',
    en: "mojeID does not allow this change to the service's registration. Please contact its operator.",
  },
  credential_store_failed: {
    cs: 'Služba nemůže načíst nebo uložit své přihlašovací údaje k mojeID. Kontaktujte prosím provozovatele.',
    en: 'This service cannot load or save its mojeID credentials. Please contact its operator.',
  },
  refresh_token_invalid: {
    cs: 'Služba už nemá přístup k vašim údajům v mojeID (přístup byl zrušen nebo vypršel). Přihlaste se prosím znovu.',
    en: 'This service no longer has access to your mojeID data (the access was withdrawn or has expired). Please log in again.',
  },
  sealed_token_invalid: {
    cs: 'Služba nemůže přečíst uložený přístup k mojeID. Přihlaste se prosím znovu, nebo kontaktujte provozovatele.',
    en: 'This service cannot read its stored mojeID access. Please log in again, or contact its operator.',
  },
  openid2_id_invalid: {
    cs: 'Původní účet (OpenID 2.0) nelze s účtem mojeID bezpečně propojit. Kontaktujte prosím provozovatele.',
    en: 'Your earlier account (OpenID 2.0) cannot be linked to your mojeID account safely. Please contact the operator.',
  },
};

/** Why a field was not passed to mojeID's registration form (Appendix 5), for the person. */
export const DROPPED_FIELD_TEXTS: Readonly<Record<DroppedFieldReason, Readonly<Record<Locale, string>>>> = {
  unknown_field: { cs: 'mojeID takový údaj nezná', en: 'mojeID has no such field' },
  not_text: { cs: 'není text', en: 'not text' },
  too_long: { cs: 'je příliš dlouhý', en: 'too long' },
  control_characters: { cs: 'obsahuje zalomení řádku nebo řídicí znaky', en: 'contains line breaks or control characters' },
  invalid_email: { cs: 'není platná e-mailová adresa', en: 'not a valid e-mail address' },
  invalid_phone: { cs: 'telefon musí mít tvar +420.603123456', en: 'a phone number must look like +420.603123456' },
  invalid_country: { cs: 'není kód země podle ISO 3166 (např. CZ)', en: 'not an ISO 3166 country code (such as CZ)' },
  invalid_date: { cs: 'není platné datum ve tvaru RRRR-MM-DD', en: 'not a valid date in the form YYYY-MM-DD' },
  invalid_gender: { cs: 'musí být M nebo F', en: 'must be M or F' },
  invalid_username: { cs: 'smí obsahovat jen písmena, číslice a . _ : -', en: 'may contain only letters, digits and . _ : -' },
};

/** `cs` if the browser prefers Czech or Slovak before English, else `en`. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'cs';
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('cs') || tag.startsWith('sk')) return 'cs';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
