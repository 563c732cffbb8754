import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Checks the rendered workspace against the golden-path guardrails before publishing.',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'goldenpath:validate',
          name: 'Check guardrails',
        },
      ],
    }),
  },
  {
    description: 'Checks a sub-directory of the workspace.',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'goldenpath:validate',
          name: 'Check guardrails',
          input: { path: 'service' },
        },
      ],
    }),
  },
];
