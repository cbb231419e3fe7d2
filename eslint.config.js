// ESLint holds the size limits that keep modules readable; types, formatting, layering and
// unused code have their own checkers (tsc, prettier, dependency-cruiser, knip).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'target/**', 'src/generated/**'] },
  {
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80, IIFEs: true }],
    },
  },
);
