/**
 * The REST API's types, generated from the server's OpenAPI document by `npm run openapi`
 * (tools/openapi.ts). Do not edit: change the route schemas in src/api/routes/ and run it.
 */

export interface paths {
  '/api/v1/accounts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            id?: string;
            name: string;
            plan: 'free' | 'basic' | 'standard' | 'professional' | 'enterprise';
            edition?: 'cloud' | 'on-premise';
            defaultCountry?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              plan: string;
              edition: string;
              defaultCountry: string;
              createdAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{accountId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** @description Change an account's name, plan or edition (not in API.md: an operator extension). */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            plan?: 'free' | 'basic' | 'standard' | 'professional' | 'enterprise';
            edition?: 'cloud' | 'on-premise';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              plan: string;
              edition: string;
              defaultCountry: string;
              createdAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/accounts/{accountId}/directory': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            departments: {
              /** @description an id chosen by the importer */
              id: string;
              name: string;
              /** @description an id chosen by the importer */
              parentId: string | null;
              /** @description an id chosen by the importer */
              headUserId?: string | null;
            }[];
            users: {
              /** @description an id chosen by the importer */
              id: string;
              name: string;
              email?: string | null;
              /** @default true */
              active?: boolean;
              /** @default false */
              admin?: boolean;
              departmentIds?: string[];
              phones?: {
                work?: string | null;
                mobile?: string | null;
                extension?: string | null;
              };
            }[];
            userGroups?: {
              /** @description an id chosen by the importer */
              id: string;
              name: string;
              memberIds: string[];
            }[];
            workgroups?: {
              /** @description an id chosen by the importer */
              id: string;
              name: string;
              /** @description an id chosen by the importer */
              ownerId: string;
              moderatorIds?: string[];
              memberIds?: string[];
            }[];
            crmClients?: {
              /** @description an id chosen by the importer */
              id: string;
              type: 'contact' | 'company' | 'lead';
              name?: string;
              phones: string[];
              /** @description an id chosen by the importer */
              responsibleUserId?: string | null;
            }[];
            crmReadScopes?: {
              accessCode: string;
              type: 'contact' | 'company' | 'lead';
              level: 'none' | 'own' | 'department' | 'any';
            }[];
            blockedNumbers?: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              users: number;
              departments: number;
              userGroups: number;
              workgroups: number;
              crmClients: number;
              crmReadScopes: number;
              blockedNumbers: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{accountId}/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            userId: string;
            appId?: string;
            scopes?: ('telephony' | 'calls.write' | 'pbx')[];
            /** @description the token's lifetime; the server's default when omitted, at most its maximum (CALLGATE_TOKEN_MAX_TTL_SECONDS) */
            ttlSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              id: string;
              expiresAt: string | null;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{accountId}/apps': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            id: string;
            name: string;
            scopes: ('telephony' | 'calls.write' | 'pbx')[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{accountId}/users/{userId}/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** @description Sets a user's web sign-in password (not in API.md: an operator extension). */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
          userId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                id: string;
                name: string;
                active: boolean;
                admin: boolean;
              };
              account: {
                id: string;
                name: string;
                plan: string;
                edition: string;
                canEditPermissions: boolean;
              };
              accessCodes: string[];
              permissions: {
                [key: string]: {
                  /** @enum {string} */
                  level:
                    'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
                  sources: {
                    roleId: string;
                    roleName: string;
                    accessCode: string;
                  }[];
                  /** @enum {boolean} */
                  admin?: true;
                  /** @description every reason behind the level, as the check explains it; on recording.listen a `recordingsFolder` rule means the folder is closed to the user whatever the level */
                  reasons: components['schemas']['Reason'][];
                  /** @description outboundCall.perform only: each line the account rents and whether the user may call out from it (SPEC §5 rule 5) */
                  lines?: {
                    line: string;
                    allowed: boolean;
                  }[];
                };
              };
              appId: string | null;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/permissions/catalogue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              key: string;
              levels: string[];
            }[];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: string;
                appId: string | null;
                scopes: string[];
                label: string | null;
                createdAt: string;
                expiresAt: string | null;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            label?: string;
            /** @description the token's lifetime; the server's default when omitted, at most its maximum (CALLGATE_TOKEN_MAX_TTL_SECONDS) */
            ttlSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              id: string;
              expiresAt: string | null;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/tokens/{tokenId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          tokenId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                id: string;
                name: string;
              };
              accountId: string;
              csrfToken: string;
              me: {
                user: {
                  id: string;
                  name: string;
                  active: boolean;
                  admin: boolean;
                };
                account: {
                  id: string;
                  name: string;
                  plan: string;
                  edition: string;
                  canEditPermissions: boolean;
                };
                accessCodes: string[];
                permissions: {
                  [key: string]: {
                    /** @enum {string} */
                    level:
                      | 'none'
                      | 'own'
                      | 'department'
                      | 'any'
                      | 'crmClients'
                      | 'crmClientsAndEmployees';
                    sources: {
                      roleId: string;
                      roleName: string;
                      accessCode: string;
                    }[];
                    /** @enum {boolean} */
                    admin?: true;
                    /** @description every reason behind the level, as the check explains it; on recording.listen a `recordingsFolder` rule means the folder is closed to the user whatever the level */
                    reasons: components['schemas']['Reason'][];
                    /** @description outboundCall.perform only: each line the account rents and whether the user may call out from it (SPEC §5 rule 5) */
                    lines?: {
                      line: string;
                      allowed: boolean;
                    }[];
                  };
                };
                appId: string | null;
                scopes: string[];
              };
              catalogue: {
                key: string;
                levels: string[];
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            accountId: string;
            email: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: {
                id: string;
                name: string;
              };
              accountId: string;
              csrfToken: string;
              me: {
                user: {
                  id: string;
                  name: string;
                  active: boolean;
                  admin: boolean;
                };
                account: {
                  id: string;
                  name: string;
                  plan: string;
                  edition: string;
                  canEditPermissions: boolean;
                };
                accessCodes: string[];
                permissions: {
                  [key: string]: {
                    /** @enum {string} */
                    level:
                      | 'none'
                      | 'own'
                      | 'department'
                      | 'any'
                      | 'crmClients'
                      | 'crmClientsAndEmployees';
                    sources: {
                      roleId: string;
                      roleName: string;
                      accessCode: string;
                    }[];
                    /** @enum {boolean} */
                    admin?: true;
                    /** @description every reason behind the level, as the check explains it; on recording.listen a `recordingsFolder` rule means the folder is closed to the user whatever the level */
                    reasons: components['schemas']['Reason'][];
                    /** @description outboundCall.perform only: each line the account rents and whether the user may call out from it (SPEC §5 rule 5) */
                    lines?: {
                      line: string;
                      allowed: boolean;
                    }[];
                  };
                };
                appId: string | null;
                scopes: string[];
              };
              catalogue: {
                key: string;
                levels: string[];
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/directory': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              users: {
                id: string;
                name: string;
                active: boolean;
                admin: boolean;
                departmentIds: string[];
              }[];
              departments: {
                id: string;
                name: string;
                parentId: string | null;
                headUserId: string | null;
              }[];
              workgroups: {
                id: string;
                name: string;
              }[];
              userGroups: {
                id: string;
                name: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/directory/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Prefix and word search for a picker: exact matches first, then id prefixes, then name (or email) prefixes, then word prefixes, each alphabetically. */
    get: {
      parameters: {
        query: {
          q: string;
          kind: 'user' | 'department' | 'workgroup' | 'group';
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: string;
                name: string;
                active?: boolean;
                email?: string | null;
                extension?: string | null;
                path?: string[];
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/crm-clients/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The dial pad's phone book: CRM clients you may read (SPEC §6) whose name or a word of it starts with `q`, whose id is `q`, or one of whose numbers starts with its digits; alphabetical. */
    get: {
      parameters: {
        query: {
          q: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: string;
                type: string;
                name: string;
                phones: string[];
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @description one level for every permission of the catalogue */
              permissions: {
                'callStats.view': string;
                'recording.listen': string;
                'recording.delete': string;
                'outboundCall.perform': string;
                'userSettings.modify': string;
                'telephonySettings.modify': string;
                'numbers.manage': string;
                'balance.manage': string;
              } & {
                [key: string]: unknown;
              };
              version: number;
            }[];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            id?: string;
            name: string;
            permissions: {
              [key: string]: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {boolean} */
              dryRun: true;
              changes: {
                userId: string;
                userName: string;
                permission: string;
                from: string;
                to: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @description one level for every permission of the catalogue */
              permissions: {
                'callStats.view': string;
                'recording.listen': string;
                'recording.delete': string;
                'outboundCall.perform': string;
                'userSettings.modify': string;
                'telephonySettings.modify': string;
                'numbers.manage': string;
                'balance.manage': string;
              } & {
                [key: string]: unknown;
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/roles/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: {
          'if-match'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            id?: string;
            name: string;
            permissions: {
              [key: string]: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  id: string;
                  name: string;
                  /** @description one level for every permission of the catalogue */
                  permissions: {
                    'callStats.view': string;
                    'recording.listen': string;
                    'recording.delete': string;
                    'outboundCall.perform': string;
                    'userSettings.modify': string;
                    'telephonySettings.modify': string;
                    'numbers.manage': string;
                    'balance.manage': string;
                  } & {
                    [key: string]: unknown;
                  };
                  version: number;
                }
              | {
                  /** @enum {boolean} */
                  dryRun: true;
                  changes: {
                    userId: string;
                    userName: string;
                    permission: string;
                    from: string;
                    to: string;
                  }[];
                };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: {
          'if-match'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {boolean} */
              dryRun: true;
              changes: {
                userId: string;
                userName: string;
                permission: string;
                from: string;
                to: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/role-assignments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              version: number;
              items: {
                roleId: string;
                accessCode: string;
                expiresAt?: string | null;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: {
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            items: {
              roleId: string;
              accessCode: string;
              expiresAt?: string | null;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  version: number;
                  items: {
                    roleId: string;
                    accessCode: string;
                    expiresAt?: string | null;
                  }[];
                }
              | {
                  /** @enum {boolean} */
                  dryRun: true;
                  changes: {
                    userId: string;
                    userName: string;
                    permission: string;
                    from: string;
                    to: string;
                  }[];
                };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}/effective-permissions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              [key: string]: {
                /** @enum {string} */
                level:
                  'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
                sources: {
                  roleId: string;
                  roleName: string;
                  accessCode: string;
                }[];
                /** @enum {boolean} */
                admin?: true;
                /** @description every reason behind the level, as the check explains it; on recording.listen a `recordingsFolder` rule means the folder is closed to the user whatever the level */
                reasons: components['schemas']['Reason'][];
                /** @description outboundCall.perform only: each line the account rents and whether the user may call out from it (SPEC §5 rule 5) */
                lines?: {
                  line: string;
                  allowed: boolean;
                }[];
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/permissions/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description One question, or `{"items": [...]}` of up to 1,000 answered in order as `{"items": [...]}` (an item that cannot be answered holds `{"error": {...}}` in its place). A batch is one request for the rate limits. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                userId?: string;
                permission: string;
                callId?: string;
                targetUserId?: string;
                phoneNumber?: string;
                line?: string;
                explain?: boolean;
              }
            | {
                items: {
                  userId?: string;
                  permission: string;
                  callId?: string;
                  targetUserId?: string;
                  phoneNumber?: string;
                  line?: string;
                  explain?: boolean;
                }[];
              };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              allowed?: boolean;
              /** @enum {string} */
              level?:
                'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
              reasons?: components['schemas']['Reason'][];
              detail?: string;
              /** @enum {string} */
              classification?:
                | 'emergency'
                | 'internal'
                | 'employee'
                | 'crmClient'
                | 'other'
                | 'blocked'
                | 'invalid';
              /** @enum {string} */
              rule?:
                | 'emergencyNumber'
                | 'unknownUser'
                | 'inactiveUser'
                | 'internalCall'
                | 'invalidNumber'
                | 'blockedNumber'
                | 'destinationPolicy'
                | 'lineAccess'
                | 'level';
              destination?: string;
              line?: string | null;
              /** @description a check naming a call: the call's employee, null when none */
              owner?: string | null;
              error?: {
                [key: string]: unknown;
              };
              items?: {
                allowed?: boolean;
                /** @enum {string} */
                level?:
                  'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
                reasons?: components['schemas']['Reason'][];
                detail?: string;
                /** @enum {string} */
                classification?:
                  | 'emergency'
                  | 'internal'
                  | 'employee'
                  | 'crmClient'
                  | 'other'
                  | 'blocked'
                  | 'invalid';
                /** @enum {string} */
                rule?:
                  | 'emergencyNumber'
                  | 'unknownUser'
                  | 'inactiveUser'
                  | 'internalCall'
                  | 'invalidNumber'
                  | 'blockedNumber'
                  | 'destinationPolicy'
                  | 'lineAccess'
                  | 'level';
                destination?: string;
                line?: string | null;
                /** @description a check naming a call: the call's employee, null when none */
                owner?: string | null;
                error?: {
                  [key: string]: unknown;
                };
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          /** @description ISO 8601 date-time with a zone */
          from?: string;
          /** @description ISO 8601 date-time with a zone */
          to?: string;
          userId?: string;
          /** @description another user's id, to see the calls as they would (account administrators only; anyone else naming another user gets 403) */
          viewAs?: string;
          direction?: 'inbound' | 'outbound' | 'callback' | 'internal';
          status?: 'answered' | 'missed' | 'busy' | 'failed' | 'placed';
          /** @description the start of the other party's number as stored, E.164 (`+1415`) */
          phoneNumber?: string;
          /** @description startedAt, durationSec or cost, ascending, or descending with a leading `-`; `-startedAt` (newest first) when absent. A cursor pages only the order it was given for. */
          sort?: '-startedAt' | 'startedAt' | '-durationSec' | 'durationSec' | '-cost' | 'cost';
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: string;
                userId: string | null;
                direction: string;
                phoneNumber: string;
                lineNumber: string | null;
                startedAt: string;
                durationSec: number;
                status: string;
                cost: number | null;
                currency: string | null;
                crm: {
                  type: string;
                  id: string;
                } | null;
                hasRecording: boolean;
                /** @description the name of the employee who took the call (null when nobody did, or the directory no longer has them), so a list names them without the whole directory */
                userName: string | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                /** @description an id chosen by the importer */
                id?: string;
                /** @description an id chosen by the importer */
                userId?: string | null;
                direction: 'inbound' | 'outbound' | 'callback' | 'internal';
                phoneNumber: string;
                lineNumber?: string | null;
                /** @description ISO 8601 date-time with a zone */
                startedAt: string;
                durationSec: number;
                status: 'answered' | 'missed' | 'busy' | 'failed' | 'placed';
                cost?: number | null;
                currency?: string | null;
                crm?: {
                  type: string;
                  /** @description an id chosen by the importer */
                  id: string;
                } | null;
              }
            | {
                items: {
                  /** @description an id chosen by the importer */
                  id?: string;
                  /** @description an id chosen by the importer */
                  userId?: string | null;
                  direction: 'inbound' | 'outbound' | 'callback' | 'internal';
                  phoneNumber: string;
                  lineNumber?: string | null;
                  /** @description ISO 8601 date-time with a zone */
                  startedAt: string;
                  durationSec: number;
                  status: 'answered' | 'missed' | 'busy' | 'failed' | 'placed';
                  cost?: number | null;
                  currency?: string | null;
                  crm?: {
                    type: string;
                    /** @description an id chosen by the importer */
                    id: string;
                  } | null;
                }[];
              };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              imported: number;
              ids: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/export.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Every call the list would page through with these filters and order, as CSV (RFC 4180, a header row), streamed page by page; only calls in scope. */
    get: {
      parameters: {
        query?: {
          /** @description ISO 8601 date-time with a zone */
          from?: string;
          /** @description ISO 8601 date-time with a zone */
          to?: string;
          userId?: string;
          /** @description another user's id, to see the calls as they would (account administrators only; anyone else naming another user gets 403) */
          viewAs?: string;
          direction?: 'inbound' | 'outbound' | 'callback' | 'internal';
          status?: 'answered' | 'missed' | 'busy' | 'failed' | 'placed';
          /** @description the start of the other party's number as stored, E.164 (`+1415`) */
          phoneNumber?: string;
          /** @description startedAt, durationSec or cost, ascending, or descending with a leading `-`; `-startedAt` (newest first) when absent. A cursor pages only the order it was given for. */
          sort?: '-startedAt' | 'startedAt' | '-durationSec' | 'durationSec' | '-cost' | 'cost';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/stats': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          /** @description ISO 8601 date-time with a zone */
          from?: string;
          /** @description ISO 8601 date-time with a zone */
          to?: string;
          groupBy?: 'user' | 'day';
          /** @description also the groups per user (`byUser`), from the same read: a page showing both charts asks once */
          alsoByUser?: boolean;
          /** @description another user's id, to see the calls as they would (account administrators only; anyone else naming another user gets 403) */
          viewAs?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              totals: {
                count: number;
                answered: number;
                missed: number;
                totalDurationSec: number;
                averageDurationSec: number;
                totalCost: number;
              };
              groups: ({
                key: string | null;
              } & {
                count: number;
                answered: number;
                missed: number;
                totalDurationSec: number;
                averageDurationSec: number;
                totalCost: number;
              })[];
              byUser?: (({
                key: string | null;
              } & {
                count: number;
                answered: number;
                missed: number;
                totalDurationSec: number;
                averageDurationSec: number;
                totalCost: number;
              }) & {
                /** @description the user's name (null for calls nobody took, or a user the directory no longer has), so a chart names them without the whole directory */
                name: string | null;
              })[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              userId: string | null;
              direction: string;
              phoneNumber: string;
              lineNumber: string | null;
              startedAt: string;
              durationSec: number;
              status: string;
              cost: number | null;
              currency: string | null;
              crm: {
                type: string;
                id: string;
              } | null;
              hasRecording: boolean;
              /** @description the name of the employee who took the call (null when nobody did, or the directory no longer has them), so a list names them without the whole directory */
              userName: string | null;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/{id}/recording': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Plays the recording (HTTP Range supported); ?download=1 sends it as an attachment and is audited as a download. */
    get: {
      parameters: {
        query?: {
          download?: '1' | '0' | 'true' | 'false';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the whole recording */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'audio/*': string;
          };
        };
        /** @description the byte range asked for, with Content-Range */
        206: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'audio/*': string;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        416: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Stores the audio of a call (body: audio/*, checked against its first bytes). Replacing a recording the call already has deletes it, so it needs recording.delete reaching the call's owner for the user behind the token (403 otherwise); one under legal hold is not replaced (409). */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    /** @description Deletes the recording; refused (409 legal_hold) while a legal hold stands. */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/{id}/recording/meta': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The recording's type, size, checksum and legal hold, for those who may listen to it. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              contentType: string;
              sizeBytes: number;
              sha256: string;
              createdAt: string;
              legalHold: {
                reason: string;
                by: string;
                at: string;
              } | null;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/{id}/recording/url': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description A short-lived URL (300 s) that plays the recording as this user without a token; the user's permission is checked again when it is used. */
    post: {
      parameters: {
        query?: {
          download?: '1' | '0' | 'true' | 'false';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              url: string;
              expiresAt: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recordings/signed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Follows a signed recording URL: the signature and expiry are checked, then the named user must still be allowed to listen. */
    get: {
      parameters: {
        query: {
          account: string;
          call: string;
          user: string;
          rec: string;
          exp: number;
          download?: '1';
          sig: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the whole recording */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'audio/*': string;
          };
        };
        /** @description the byte range asked for, with Content-Range */
        206: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'audio/*': string;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        416: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recordings/bulk-delete': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description Deletes the recordings of up to 1,000 calls, each as `DELETE /calls/{id}/recording` would (recording.delete reaching its owner, no legal hold, audited), and answers per call in order: `deleted`, `not_found` (no such call, none you may see, or no recording), `permission_denied` or `legal_hold`. One refused call does not keep the others. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            callIds: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              deleted: number;
              items: {
                callId: string;
                status: string;
                message?: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/{id}/recording/legal-hold': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** @description Puts the recording under legal hold (account administrators): nobody may delete or replace it until the hold is lifted. */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            reason: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              contentType: string;
              sizeBytes: number;
              sha256: string;
              createdAt: string;
              legalHold: {
                reason: string;
                by: string;
                at: string;
              } | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    /** @description Lifts the legal hold on the recording (account administrators). */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/calls/outbound': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            to: string;
            from?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              callId: string;
              /** @enum {string} */
              classification:
                | 'emergency'
                | 'internal'
                | 'employee'
                | 'crmClient'
                | 'other'
                | 'blocked'
                | 'invalid';
              /** @enum {string} */
              rule:
                | 'emergencyNumber'
                | 'unknownUser'
                | 'inactiveUser'
                | 'internalCall'
                | 'invalidNumber'
                | 'blockedNumber'
                | 'destinationPolicy'
                | 'lineAccess'
                | 'level';
              to: string;
              crmClient?: {
                type: string;
                id: string;
                name: string;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/pbx/authorize': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query: {
          from: string;
          to: string;
          line?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              allowed: boolean;
              /** @enum {string} */
              classification:
                | 'emergency'
                | 'internal'
                | 'employee'
                | 'crmClient'
                | 'other'
                | 'blocked'
                | 'invalid';
              /** @enum {string} */
              rule:
                | 'emergencyNumber'
                | 'unknownUser'
                | 'inactiveUser'
                | 'internalCall'
                | 'invalidNumber'
                | 'blockedNumber'
                | 'destinationPolicy'
                | 'lineAccess'
                | 'level';
              reason: string;
              userId: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}/telephony-settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              userId: string;
              device: ('softphone' | 'sip' | 'mobile') | (never | null);
              sipLogin: string | null;
              sipSecret?: string | null;
              hasSipSecret: boolean;
              callerIdNumber: string | null;
              /** @description the rented numbers this user may call out from (line access): the caller IDs they may be given; in GET answers */
              callerIdChoices?: string[];
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            device: ('softphone' | 'sip' | 'mobile') | (never | null);
            sipLogin: string | null;
            /** @description omit to keep the stored secret; null removes it */
            sipSecret?: string | null;
            callerIdNumber: string | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              userId: string;
              device: ('softphone' | 'sip' | 'mobile') | (never | null);
              sipLogin: string | null;
              sipSecret?: string | null;
              hasSipSecret: boolean;
              callerIdNumber: string | null;
              /** @description the rented numbers this user may call out from (line access): the caller IDs they may be given; in GET answers */
              callerIdChoices?: string[];
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/general': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Call recording, the default outbound caller ID (a rented number), the language. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'general';
              value: {
                recordCalls: boolean;
                defaultCallerIdNumber: string | null;
                language: string;
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Call recording, the default outbound caller ID (a rented number), the language. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            recordCalls: boolean;
            defaultCallerIdNumber: string | null;
            language: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'general';
              value: {
                recordCalls: boolean;
                defaultCallerIdNumber: string | null;
                language: string;
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/blocked-numbers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Numbers nobody may call, normalised to E.164 in the account’s default country. Part of the directory: a directory import replaces them, and the version is the directory’s. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'blocked-numbers';
              value: {
                numbers: string[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Numbers nobody may call, normalised to E.164 in the account’s default country. Part of the directory: a directory import replaces them, and the version is the directory’s. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            numbers: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'blocked-numbers';
              value: {
                numbers: string[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/documents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Documents offered to employees: id, name, link. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'documents';
              value: {
                items: {
                  id: string;
                  name: string;
                  /** Format: uri */
                  url: string;
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Documents offered to employees: id, name, link. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            items: {
              id: string;
              name: string;
              /** Format: uri */
              url: string;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'documents';
              value: {
                items: {
                  id: string;
                  name: string;
                  /** Format: uri */
                  url: string;
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/queues': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Call queues (user groups of the help pages): members and ringing strategy. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'queues';
              value: {
                items: {
                  id: string;
                  name: string;
                  memberIds: string[];
                  strategy: 'ring-all' | 'round-robin' | 'longest-idle';
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Call queues (user groups of the help pages): members and ringing strategy. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            items: {
              id: string;
              name: string;
              memberIds: string[];
              strategy: 'ring-all' | 'round-robin' | 'longest-idle';
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'queues';
              value: {
                items: {
                  id: string;
                  name: string;
                  memberIds: string[];
                  strategy: 'ring-all' | 'round-robin' | 'longest-idle';
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/ivr': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Voice menus: a greeting and what each key does. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'ivr';
              value: {
                menus: {
                  id: string;
                  name: string;
                  greeting: string;
                  options: {
                    digit: string;
                    action: 'queue' | 'user' | 'menu' | 'voicemail';
                    target: string | null;
                  }[];
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Voice menus: a greeting and what each key does. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            menus: {
              id: string;
              name: string;
              greeting: string;
              options: {
                digit: string;
                action: 'queue' | 'user' | 'menu' | 'voicemail';
                target: string | null;
              }[];
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'ivr';
              value: {
                menus: {
                  id: string;
                  name: string;
                  greeting: string;
                  options: {
                    digit: string;
                    action: 'queue' | 'user' | 'menu' | 'voicemail';
                    target: string | null;
                  }[];
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/recordings-folder': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The “Recorded calls” folder’s access list: access code → read | none; an explicit none wins. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'recordings-folder';
              value: {
                entries: {
                  accessCode: string;
                  access: 'read' | 'none';
                }[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description The “Recorded calls” folder’s access list: access code → read | none; an explicit none wins. */
    put: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            entries: {
              accessCode: string;
              access: 'read' | 'none';
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  /** @enum {string} */
                  section: 'recordings-folder';
                  value: {
                    entries: {
                      accessCode: string;
                      access: 'read' | 'none';
                    }[];
                  };
                  version: number;
                }
              | {
                  /** @enum {boolean} */
                  dryRun: true;
                  changes: {
                    userId: string;
                    userName: string;
                    permission: string;
                    from: string;
                    to: string;
                  }[];
                };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/retention': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description How many days recordings are kept (`null`: forever, the default); the retention sweep deletes older ones, never one under legal hold. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'retention';
              value: {
                recordingsDays: number | null;
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description How many days recordings are kept (`null`: forever, the default); the retention sweep deletes older ones, never one under legal hold. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            recordingsDays: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'retention';
              value: {
                recordingsDays: number | null;
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/outbound-policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The destination policy, for everyone, administrators included: premium-rate numbers (block by default) and international calls (any, listed countries, or none). */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'outbound-policy';
              value: {
                premiumRate: 'block' | 'allow';
                international: {
                  mode: 'any' | 'listed' | 'none';
                  countries: string[];
                };
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description The destination policy, for everyone, administrators included: premium-rate numbers (block by default) and international calls (any, listed countries, or none). */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            premiumRate: 'block' | 'allow';
            international: {
              mode: 'any' | 'listed' | 'none';
              countries: string[];
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'outbound-policy';
              value: {
                premiumRate: 'block' | 'allow';
                international: {
                  mode: 'any' | 'listed' | 'none';
                  countries: string[];
                };
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/settings/emergency-numbers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Numbers the account treats as emergency numbers on top of the phone-number metadata’s: always allowed, to any caller, and audited. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'emergency-numbers';
              value: {
                numbers: string[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Numbers the account treats as emergency numbers on top of the phone-number metadata’s: always allowed, to any caller, and audited. */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description the version the change is based on */
          'if-match'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            numbers: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              section: 'emergency-numbers';
              value: {
                numbers: string[];
              };
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/numbers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                number: string;
                country: string;
                monthlyFee: number;
                currency: string;
                rentedAt: string;
                connection: {
                  host: string | null;
                  username: string | null;
                  hasPassword: boolean;
                };
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** @description Rent a number of the pool: 404 if the pool has no such number, 409 if it is rented. The first monthly fee is debited from the balance. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description E.164; in a path, URL-encoded (+ as %2B) */
            number: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              number: string;
              country: string;
              monthlyFee: number;
              currency: string;
              rentedAt: string;
              connection: {
                host: string | null;
                username: string | null;
                hasPassword: boolean;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/numbers/available': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Numbers of the pool that no account rents. */
    get: {
      parameters: {
        query: {
          country?: string;
          limit: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                number: string;
                country: string;
                monthlyFee: number;
                currency: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/numbers/{number}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** @description Release a rented number; caller IDs that used it fall back to none. */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description E.164; in a path, URL-encoded (+ as %2B) */
          number: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/numbers/{number}/connection': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** @description The SIP connection of a rented number. The password is stored encrypted and never returned; omit it to keep the stored one, send null to remove it. */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description E.164; in a path, URL-encoded (+ as %2B) */
          number: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            host: string;
            username: string;
            password?: string | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              number: string;
              country: string;
              monthlyFee: number;
              currency: string;
              rentedAt: string;
              connection: {
                host: string | null;
                username: string | null;
                hasPassword: boolean;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/numbers/{number}/access': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Line access (SPEC §5 rule 5): the access codes that may call out from this line; [] is everyone. Administrators always may. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description E.164; in a path, URL-encoded (+ as %2B) */
          number: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              number: string;
              accessCodes: string[];
              version: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    /** @description Replaces the line access list given If-Match: <version>. Answers who gains or loses the use of the line; with ?dryRun=1 nothing is saved. */
    put: {
      parameters: {
        query?: {
          dryRun?: '1' | 'true' | '0' | 'false';
        };
        header?: {
          'if-match'?: string;
        };
        path: {
          /** @description E.164; in a path, URL-encoded (+ as %2B) */
          number: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            accessCodes: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              number: string;
              accessCodes: string[];
              version: number;
              dryRun: boolean;
              changes: {
                userId: string;
                userName: string;
                gains: boolean;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/number-inventory': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description Add numbers to the pool accounts rent from. A number already there on the same terms is accepted again; on other terms, 409. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            items: {
              /** @description E.164; in a path, URL-encoded (+ as %2B) */
              number: string;
              country: string;
              monthlyFee: number;
              /** @enum {string} */
              currency: 'USD';
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              added: number;
              unchanged: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/balance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query: {
          limit: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              balance: number;
              currency: string;
              ledger: {
                id: string;
                at: string;
                amount: number;
                currency: string;
                kind: 'top-up' | 'number.rent';
                description: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/balance/top-ups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description Credit the balance: above 0, at most 100000, in cents. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            amount: number;
            /** @enum {string} */
            currency?: 'USD';
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              at: string;
              amount: number;
              currency: string;
              kind: 'top-up' | 'number.rent';
              description: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit-log': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
          type?:
            | 'account.created'
            | 'account.changed'
            | 'directory.replaced'
            | 'roles.replaced'
            | 'assignments.replaced'
            | 'recordingsFolder.changed'
            | 'calls.imported'
            | 'role.created'
            | 'role.updated'
            | 'role.deleted'
            | 'recording.uploaded'
            | 'recording.played'
            | 'recording.downloaded'
            | 'recording.deleted'
            | 'recordings.expired'
            | 'legalHold.set'
            | 'legalHold.lifted'
            | 'outboundCall.refused'
            | 'outboundCall.emergency'
            | 'outboundCall.placed'
            | 'userSettings.changed'
            | 'settings.changed'
            | 'number.rented'
            | 'number.released'
            | 'number.connectionChanged'
            | 'number.accessChanged'
            | 'sipConnection.added'
            | 'sipConnection.changed'
            | 'sipConnection.deleted'
            | 'balance.toppedUp'
            | 'token.created'
            | 'token.revoked'
            | 'webhook.created'
            | 'webhook.revoked';
          actor?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: number;
                at: string;
                actor: string;
                type: string;
                subject: string | null;
                before?: unknown;
                after?: unknown;
                detail?: unknown;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit-log/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The whole filtered log as CSV or JSON lines, newest first. */
    get: {
      parameters: {
        query?: {
          from?: string;
          to?: string;
          type?:
            | 'account.created'
            | 'account.changed'
            | 'directory.replaced'
            | 'roles.replaced'
            | 'assignments.replaced'
            | 'recordingsFolder.changed'
            | 'calls.imported'
            | 'role.created'
            | 'role.updated'
            | 'role.deleted'
            | 'recording.uploaded'
            | 'recording.played'
            | 'recording.downloaded'
            | 'recording.deleted'
            | 'recordings.expired'
            | 'legalHold.set'
            | 'legalHold.lifted'
            | 'outboundCall.refused'
            | 'outboundCall.emergency'
            | 'outboundCall.placed'
            | 'userSettings.changed'
            | 'settings.changed'
            | 'number.rented'
            | 'number.released'
            | 'number.connectionChanged'
            | 'number.accessChanged'
            | 'sipConnection.added'
            | 'sipConnection.changed'
            | 'sipConnection.deleted'
            | 'balance.toppedUp'
            | 'token.created'
            | 'token.revoked'
            | 'webhook.created'
            | 'webhook.revoked';
          actor?: string;
          format?: 'csv' | 'jsonl';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                id: string;
                userNumber: number;
                scopes: string[];
                createdAt: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            scopes: ('telephony' | 'call' | 'user')[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description ends in /rest/<userNumber>/<secret>/; shown once */
              url: string;
              userNumber: number;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{accountId}/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          accountId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            userId: string;
            scopes: ('telephony' | 'call' | 'user')[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description ends in /rest/<userNumber>/<secret>/; shown once */
              url: string;
              userNumber: number;
              scopes: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/rest/{userNumber}/{secret}/{method}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A Bitrix24 REST method, through an incoming webhook
     * @description Parameters in the query, a form body or JSON; answers in Bitrix24’s envelope. See README “Coming from Bitrix24”.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          userNumber: string;
          secret: string;
          method: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    /**
     * A Bitrix24 REST method, through an incoming webhook
     * @description Parameters in the query, a form body or JSON; answers in Bitrix24’s envelope. See README “Coming from Bitrix24”.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          userNumber: string;
          secret: string;
          method: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/rest/{method}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A Bitrix24 REST method, as an application: auth=<token> in the query or body
     * @description Parameters in the query, a form body or JSON; answers in Bitrix24’s envelope. See README “Coming from Bitrix24”.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          method: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    /**
     * A Bitrix24 REST method, as an application: auth=<token> in the query or body
     * @description Parameters in the query, a form body or JSON; answers in Bitrix24’s envelope. See README “Coming from Bitrix24”.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          method: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description a role the level came through ({roleId, roleName, accessCode, level}) or a rule that decided, with its parameters ({rule, ...}) */
    Reason:
      | {
          roleId: string;
          roleName: string;
          accessCode: string;
          /** @enum {string} */
          level: 'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
        }
      | {
          /** @enum {string} */
          rule: 'accountAdministrator';
          /** @enum {string} */
          level: 'none' | 'own' | 'department' | 'any' | 'crmClients' | 'crmClientsAndEmployees';
        }
      | {
          /** @enum {string} */
          rule: 'freePlanDefaults';
        }
      | {
          /** @enum {string} */
          rule: 'recordingsFolder';
        }
      | {
          /** @enum {string} */
          rule: 'blockedNumber';
        }
      | {
          /** @enum {string} */
          rule: 'internalCall';
        }
      | {
          /** @enum {string} */
          rule: 'inactiveUser';
        }
      | {
          /** @enum {string} */
          rule: 'unknownUser';
        }
      | {
          /** @enum {string} */
          rule: 'emergencyNumber';
          region: string;
        }
      | {
          /** @enum {string} */
          rule: 'emergencyNumber';
          /** @enum {boolean} */
          accountList: true;
        }
      | {
          /** @enum {string} */
          rule: 'invalidNumber';
          /** @enum {boolean} */
          postDial?: true;
        }
      | {
          /** @enum {string} */
          rule: 'destinationPolicy';
          /** @enum {string} */
          setting: 'premiumRate';
        }
      | {
          /** @enum {string} */
          rule: 'destinationPolicy';
          /** @enum {string} */
          setting: 'international';
          /** @enum {string} */
          mode: 'listed' | 'none';
          region: string;
        }
      | {
          /** @enum {string} */
          rule: 'lineAccess';
          line: string;
          rented: boolean;
        };
    Error: {
      error: {
        code: string;
        message: string;
        /** @description invalid_request: each field found wrong */
        fields?: {
          path: string;
          /** @description the validator’s words, in English */
          message: string;
          /** @description the JSON Schema keyword that refused the value: minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, format, type, anyOf (the value fits none of the alternatives, whose refusals are listed beside it), … */
          keyword?: string;
          /** @description minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minItems, maxItems: the bound the value missed */
          limit?: number;
          /** @description format: the format expected (uri, email, …); pattern: what the pattern accepts, when it is one of the named ones (e164, id, languageTag, keypadKey, httpUrl, countryCode) */
          format?: string;
        }[];
        /** @description permission_denied: the permission it needs */
        permission?: string;
        /** @description permission_denied: the lowest level that would do */
        requiredLevel?: string;
        /** @description destination_not_allowed: the caller’s level */
        level?: string;
        /** @enum {string} */
        classification?:
          'emergency' | 'internal' | 'employee' | 'crmClient' | 'other' | 'blocked' | 'invalid';
        /** @enum {string} */
        rule?:
          | 'emergencyNumber'
          | 'unknownUser'
          | 'inactiveUser'
          | 'internalCall'
          | 'invalidNumber'
          | 'blockedNumber'
          | 'destinationPolicy'
          | 'lineAccess'
          | 'level';
        /** @description destination_not_allowed: the line the call would go out from */
        line?: string;
        /** @description permission_denied of a recording, destination_not_allowed: the reasons behind the refusal */
        reasons?: components['schemas']['Reason'][];
        /** @description permission_denied of a recording: the call's employee, null when none */
        owner?: string | null;
      } & {
        [key: string]: unknown;
      };
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
