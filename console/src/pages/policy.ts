import { api, can, currentSession, type TenantPolicy } from '../api.ts';
import { revokeAllDialog } from '../dialogs/revoke-all.ts';
import { field, h, uid } from '../dom.ts';
import { formErrorBox, showFormError } from '../form-errors.ts';
import { errorBox, loading, pageTitle, pendingNotice } from '../page.ts';
import { redraw, setNotice } from '../state.ts';
import { InputError, type FieldTarget, type Problem } from '../usage.ts';

/** A select of `[value, label]` options with `selected` chosen. */
const choices = (name: string, selected: string, disabled: boolean, options: [string, string][]) =>
  h('select', { name, disabled }, ...options.map(([value, label]) => h('option', { value, selected: selected === value }, label)));

/** The tenant policy: a form for keys:admin, read-only for the others; and the bulk revoke. */
export async function policyPage(main: HTMLElement) {
  pageTitle(main, 'Tenant policy');
  const admin = can('keys:admin');
  const session = currentSession()!;
  const notice = pendingNotice();
  const busy = loading('the policy');
  main.append(...(notice ? [notice] : []), busy);
  let policy: TenantPolicy;
  try {
    policy = await api.getPolicy();
  } catch (error) {
    busy.replaceWith(errorBox(error, redraw));
    return;
  }

  const lifetime = field(
    'Longest key lifetime in days',
    h('input', { type: 'number', name: 'maxLifetimeDays', min: 1, max: 3650, step: 1, inputmode: 'numeric', disabled: !admin }),
    'New keys must expire within this many days (1 to 3650). Empty: no limit.',
  );
  lifetime.control.value = policy.maxLifetimeDays === null ? '' : String(policy.maxLifetimeDays);
  const requireExpiry = h('input', {
    type: 'checkbox',
    name: 'requireExpiry',
    id: uid('require-expiry'),
    checked: policy.requireExpiry,
    disabled: !admin,
  });
  const grace = field(
    'Longest grace period in seconds',
    h('input', { type: 'number', name: 'maxGracePeriodSeconds', min: 0, max: 604_800, step: 1, inputmode: 'numeric', disabled: !admin }),
    'How long a regenerate may keep the old secret working (0 to 604800): 3600 is an hour, 604800 a week.',
  );
  grace.control.value = String(policy.maxGracePeriodSeconds);
  const ips = field(
    'Allowed IPs for every key',
    h('textarea', { name: 'allowedIps', rows: 4, class: 'mono', spellcheck: 'false', disabled: !admin }),
    'One IPv4 or IPv6 address or CIDR block per line: every use of every key must come from one of them, on top of each key’s own list. ' +
      'Include the addresses you manage keys from. Empty: any address.',
  );
  ips.control.value = policy.allowedIps?.join('\n') ?? '';
  const systemKey = field(
    'System key',
    choices('systemKey', policy.systemKey ?? 'enabled', !admin, [
      ['enabled', 'Enabled'],
      ['break-glass', 'Break-glass: works, each use audited as tenant.break_glass'],
      ['disabled', 'Disabled: refused everywhere'],
    ]),
    `With people signing in, keep the system key for emergencies: break-glass leaves an alarm-ready event on each use. ` +
      `Once disabled, only an operator with AWS access turns it back on: keyward policy set --tenant ${currentSession()!.tenant} --system-key enabled.`,
  );
  const personTokens = field(
    "People's tokens last, in seconds",
    h('input', { type: 'number', name: 'personTokenSeconds', min: 60, max: 3600, step: 1, inputmode: 'numeric', disabled: !admin }),
    'How long a signed-in person’s token lasts before the console or CLI trades a new one (60 to 3600).',
  );
  personTokens.control.value = String(policy.personTokenSeconds ?? 900);
  const onLeak = field(
    'When a key leaks',
    choices('onLeak', policy.onLeak ?? 'revoke', !admin, [
      ['revoke', 'Revoke it'],
      ['disable', 'Disable it'],
      ['notify', 'Only tell (the key.leaked event)'],
    ]),
    'What a report of a valid key of this tenant leaking does (GitHub secret scanning, or anyone’s report): every case is audited as key.leaked.',
  );

  const errors = formErrorBox();
  let ipList: string[] = [];
  const fieldErrors: Record<string, FieldTarget> = {
    maxLifetimeDays: lifetime,
    maxGracePeriodSeconds: grace,
    personTokenSeconds: personTokens,
    allowedIps: { setError: ips.setError, item: (index) => `“${ipList[Number(index)] ?? `entry ${Number(index) + 1}`}”` },
  };
  const save = h('button', { type: 'submit' }, 'Save policy');
  const form = h(
    'form',
    { class: 'card policy', novalidate: true, 'aria-label': 'Tenant policy' },
    admin
      ? null
      : h('p', { class: 'notice' }, 'Only an admin (or a key with keys:admin) can change the policy, so it is shown read-only here.'),
    lifetime.wrapper,
    h('div', { class: 'field checkbox' }, requireExpiry, h('label', { for: requireExpiry.id }, 'Every new key must have an expiry')),
    grace.wrapper,
    ips.wrapper,
    systemKey.wrapper,
    personTokens.wrapper,
    onLeak.wrapper,
    errors,
    admin ? h('div', { class: 'actions' }, save) : null,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!admin) return;
    save.disabled = true;
    try {
      const problems: Problem[] = [];
      if (lifetime.control.validity.badInput) problems.push({ path: 'maxLifetimeDays', message: 'must be a number' });
      if (grace.control.validity.badInput || grace.control.value.trim() === '') {
        problems.push({ path: 'maxGracePeriodSeconds', message: 'enter a number of seconds (0 for no grace period)' });
      }
      if (problems.length) throw new InputError(problems);
      ipList = ips.control.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      await api.putPolicy({
        maxLifetimeDays: lifetime.control.value.trim() === '' ? null : Number(lifetime.control.value),
        requireExpiry: requireExpiry.checked,
        maxGracePeriodSeconds: Number(grace.control.value),
        allowedIps: ipList.length ? ipList : null,
        systemKey: systemKey.control.value as TenantPolicy['systemKey'],
        personTokenSeconds: Number(personTokens.control.value),
        onLeak: onLeak.control.value as TenantPolicy['onLeak'],
      });
      setNotice('Policy saved.');
      redraw();
    } catch (error) {
      showFormError(errors, error, fieldErrors);
      save.disabled = false;
    }
  });
  busy.replaceWith(form);

  if (admin) {
    main.append(
      h(
        'section',
        { class: 'danger-zone', 'aria-labelledby': 'revoke-all-title' },
        h('h2', { id: 'revoke-all-title' }, 'Revoke keys in bulk'),
        h(
          'p',
          {},
          'Revoke every active or disabled key of this tenant at once, or only those of one owner or type: after a leak, ' +
            'or when a customer leaves. The system key is never revoked.',
        ),
        h('button', { type: 'button', class: 'danger', onclick: () => revokeAllDialog(session.tenant) }, 'Revoke keys…'),
      ),
    );
  }
}
