import { PERMISSION_KEYS } from '../../engine/catalogue.js';
import { effectiveFor } from '../../telephony/permissions.js';
import { type Command, requireOption } from '../command.js';

export const effective: Command = {
  name: 'effective',
  usage: 'effective --user ID --account ID [--json]',
  summary: "a user's effective permissions, each with the roles and access codes it comes from",
  options: { user: { type: 'string' } },
  async run({ options, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const userId = requireOption(options, 'user');
    const store = await openStore();
    const answer = await effectiveFor(store.db, accountId, userId);
    if (options.json) {
      out(JSON.stringify(answer));
      return;
    }
    const { user } = answer;
    out(
      `${user.id} ${user.name}${user.admin ? ' (account administrator)' : ''}${user.active ? '' : ' (inactive)'}`,
    );
    out(`access codes: ${answer.accessCodes.join(' ') || '(none)'}`);
    for (const key of PERMISSION_KEYS) {
      const { level, sources, admin } = answer.permissions[key];
      const via = sources.map((s) => `${s.roleName} via ${s.accessCode}`);
      if (admin) via.push('account administrator');
      out(`${key.padEnd(26)} ${level.padEnd(24)} ${via.join('; ')}`);
    }
  },
};
