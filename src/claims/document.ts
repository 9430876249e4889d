/**
 * Renders `docs/claims.md` from the catalogue, so the reference cannot drift from the code.
 * `test/claims/document.test.ts` fails when the file on disk differs from this output and
 * rewrites it when run with `UPDATE_DOCS=1`.
 *
 * @module
 */
import { CLAIM_CATALOGUE, type ClaimDefinition, type ClaimValueType } from './catalogue.js';

/** The TypeScript type a claim has in `MojeIdClaims`, i.e. after `normaliseClaims`. */
const NORMALISED_TYPE: { readonly [T in ClaimValueType]: string } = {
  string: '`string`',
  boolean: '`boolean`',
  integer: '`number`',
  address: '`MojeIdAddress`',
  address_string: '`MojeIdAddress` (sent as a JSON string)',
};

/** Keeps table cells intact whatever a label holds. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(definition: ClaimDefinition): string {
  const cells = [
    `\`${definition.name}\``,
    cell(definition.label),
    NORMALISED_TYPE[definition.type],
    definition.scope === undefined ? '— (`claims` parameter)' : `\`${definition.scope}\``,
    definition.fullAccessOnly ? 'yes' : 'no',
    definition.documented ? 'yes' : 'no (production discovery only)',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Groups in the order they first appear in the catalogue (Appendix 1 (§9.1) order). */
function groups(): Map<string, ClaimDefinition[]> {
  const byGroup = new Map<string, ClaimDefinition[]>();
  for (const definition of CLAIM_CATALOGUE) {
    const list = byGroup.get(definition.group);
    if (list === undefined) byGroup.set(definition.group, [definition]);
    else list.push(definition);
  }
  return byGroup;
}

const INTRO = `<!-- Generated from src/claims/catalogue.ts by src/claims/document.ts. Do not edit by hand: change the catalogue and run
     UPDATE_DOCS=1 node --experimental-vm-modules node_modules/jest/bin/jest.js test/claims/document.test.ts -->

# Claims reference

Every piece of user data ("claim") that mojeID can hand over through OpenID Connect. The list follows
Appendix 1 (§9.1) of the mojeID technical documentation 3.1.4, "List of Data to be Handed Over (OpenID
Connect)". Claims marked "no" under *In Appendix 1* are not in the manual: mojeID's production
discovery document advertises them in \`claims_supported\` (October 2024), so they may arrive.

This file is generated from \`src/claims/catalogue.ts\` and must not be edited by hand; a test fails
when it no longer matches the catalogue.

## Requesting claims: scopes and the \`claims\` parameter

- **Scopes** release standard claims as a group (OpenID Connect Core §5.4): \`profile\` gives
  \`name\`, \`given_name\`, \`family_name\`, \`nickname\`, \`profile\`, \`website\`, \`gender\`,
  \`birthdate\`; \`email\` gives \`email\`, \`email_verified\`; \`phone\` gives \`phone_number\`,
  \`phone_number_verified\`; \`address\` gives \`address\`. The \`openid\` scope is always required;
  \`openid2\` adds \`openid2_id\` for migration from OpenID 2.0 (manual §5.3.2).
- **The \`claims\` parameter** (manual §5.1.6, OpenID Connect Core §5.5) asks for individual claims.
  All \`mojeid_*\` claims must be requested this way: no scope releases them. Ask only for claims the
  service uses, and mark as essential only those its registration needs (Appendix 7, point 4). In
  the code flow, claims asked for under \`id_token\` are put in the ID token; otherwise mojeID returns
  them from the UserInfo endpoint only (observed in production).

The user can refuse any claim; a withheld claim arrives as \`null\` or is left out.

## Full access

Claims marked *Full access only* are released only to services with mojeID *full access* (a contract
with CZ.NIC; not available to dynamically registered clients, manual §5.1.3). Others receive nothing
for them. Since July 2022 \`mojeid_address_mail_verified\` cannot be obtained for new personal
accounts. The "accept only validated / adult / NIA accounts" options rely on the flags
\`mojeid_valid\`, \`mojeid_is_adult\` and \`mojeid_nia\` (\`mojeid_is_adult\` does not need full access).

## Normalisation

\`normaliseClaims()\` turns what mojeID sends into \`MojeIdClaims\` and lists what it dropped in
\`problems\` (claim name and the expected kind of value, never the value itself, which is personal
data). It never throws.

- **Flags** (\`boolean\`): \`true\`/\`false\` or the strings \`"true"\`/\`"false"\` (any case, surrounding
  spaces ignored) become booleans; anything else is dropped.
- **Numbers** (\`mojeid_age\`): whole numbers, or strings of digits, become numbers; anything else
  is dropped.
- **Full addresses**: \`address\` is an object, \`mojeid_address_def\`, \`_bill\`, \`_ship\`, \`_ship2\`
  and \`_ship3\` are JSON strings holding the same object. Both forms are accepted for all of them
  and become a \`MojeIdAddress\` with only \`formatted\`, \`street_address\`, \`locality\`, \`region\`,
  \`postal_code\` and \`country\` kept (string fields only). Invalid JSON or a non-object is dropped.
- **Strings**: kept as they are; any other type is dropped.
- **\`null\`** (the user withheld the claim) is left out without a problem.
- **Claims not listed here** are passed through unchanged.
- **\`sub\`** must be a non-empty string; otherwise it is reported and set to \`""\`, and the
  result must be refused.
- Keys such as \`__proto__\` are ignored and reported.
`;

/** The complete Markdown of `docs/claims.md`. */
export function renderClaimsReference(): string {
  const sections: string[] = [INTRO];
  for (const [group, definitions] of groups()) {
    sections.push(
      [
        `## ${group}`,
        '',
        '| Claim | Label | Type after normalisation | Released by scope | Full access only | In Appendix 1 |',
        '|---|---|---|---|---|---|',
        ...definitions.map(row),
        '',
      ].join('\n'),
    );
  }
  return sections.join('\n');
}
