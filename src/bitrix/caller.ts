import type { AppScope } from '../telephony/tokens.js';
import type { PolicyState } from '../telephony/policy.js';
import type { WebhookScope } from '../telephony/webhooks.js';

/** Who makes a Bitrix24 call: a user, through one of their webhooks or through a token. */
export type Caller =
  | {
      readonly via: 'webhook';
      readonly webhookId: string;
      readonly accountId: string;
      readonly userId: string;
      readonly userNumber: number;
      readonly scopes: ReadonlySet<WebhookScope>;
      readonly appId: null;
      readonly state: PolicyState;
      /** The user's last write position, read with the credential (store/read-replica.ts). */
      readonly lastWrite: number | null;
    }
  | {
      readonly via: 'token';
      readonly tokenId: string;
      readonly accountId: string;
      readonly userId: string;
      readonly scopes: ReadonlySet<AppScope>;
      /** The application acting for the user; null for a user's own token. */
      readonly appId: string | null;
      readonly state: PolicyState;
      readonly lastWrite: number | null;
    };

/** The key a caller's request rate is counted under. */
export const callerKey = (caller: Caller): string =>
  caller.via === 'webhook' ? `webhook:${caller.webhookId}` : `token:${caller.tokenId}`;
