import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publishes the workspace as a new repository; the target (local git directory or GitHub organisation) comes from paved.goldenPath.publish.',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'goldenpath:publish',
          name: 'Publish',
          input: {
            repoName: '${{ parameters.name }}',
            description: '${{ parameters.description }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Publishes with another default branch.',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'goldenpath:publish',
          name: 'Publish',
          input: { repoName: 'payments-api', defaultBranch: 'trunk' },
        },
      ],
    }),
  },
];
