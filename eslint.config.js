// Type-aware lint: the rules that catch real bugs in async, strictly typed code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bin/', 'eslint.config.js', 'web/vite.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test registers tests synchronously; its returned promises need no handling.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The direction of dependencies (ARCHITECTURE.md, STYLE rule 13): the adapters parse,
    // call a use case in telephony/ and present its answer. They import no repository from
    // store/ and no decision function from engine/; types are fine, and so are the modules
    // named here: the catalogue's constants, the validation error class, the directory
    // document's schema, and opening the store and routing its reads (the composition root).
    files: ['src/api/**/*.ts', 'src/bitrix/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)store/(?!(database|read-replica)\\.js$)',
              allowTypeImports: true,
              message:
                'adapters reach the store through a use case in src/telephony/ (types are fine)',
            },
            {
              regex: '(^|/)engine/(?!(catalogue|validation-error)\\.js$)',
              allowTypeImports: true,
              message:
                'adapters ask the engine through a use case in src/telephony/ (types, the catalogue and ValidationError are fine)',
            },
            {
              regex: '(^|/)directory/(?!schema\\.js$)',
              allowTypeImports: true,
              message: 'adapters reach the directory through a use case in src/telephony/',
            },
          ],
        },
      ],
    },
  },
  {
    // Nothing below the adapters depends on them.
    files: [
      'src/telephony/**/*.ts',
      'src/store/**/*.ts',
      'src/engine/**/*.ts',
      'src/directory/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(api|bitrix|cli)/',
              message: 'telephony/, store/, engine/ and directory/ never depend on an adapter',
            },
          ],
        },
      ],
    },
  },
);
