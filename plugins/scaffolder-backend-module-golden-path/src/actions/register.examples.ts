import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Registers the catalog-info.yaml that goldenpath:publish reported (a file:// URL locally, an https URL on GitHub).',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'goldenpath:register',
          name: 'Register in the catalog',
          input: {
            catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.register.output.entityRef }}',
          },
        ],
      },
    }),
  },
];
