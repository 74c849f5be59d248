import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'bench-results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The renderer is a web page: it must never reach Node or Electron, and
    // may name service definitions only in type-only imports (erased from the
    // bundle), never pull handler code. The typed client (src/clients) is
    // bundled into the renderer, so the same holds for it.
    files: ['src/renderer/**/*.{ts,tsx}', 'src/clients/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fs', 'path', 'child_process', 'net'],
              message: 'renderer and client code run in a browser sandbox',
            },
            {
              group: ['**/main/**', '**/services/**', '**/cli/**'],
              message: 'renderer and client code may import services, main and cli only type-only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
