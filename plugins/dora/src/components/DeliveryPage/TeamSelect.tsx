import { Select } from '@backstage/ui';
import type { Team } from './useTeams';

export const ORGANISATION = 'all';

/** Pick a team (a catalog Group of type team), or the whole organisation. */
export const TeamSelect = ({
  teams,
  selected,
  organisationName,
  onChange,
  className,
}: {
  teams: Team[];
  selected: string;
  organisationName: string;
  onChange: (team: string) => void;
  className?: string;
}) => {
  const options = [
    { id: ORGANISATION, label: `All of ${organisationName}` },
    ...teams.map(t => ({ id: t.ref, label: t.title })),
  ];
  if (!options.some(o => o.id === selected)) {
    options.push({ id: selected, label: selected });
  }
  return (
    <Select
      label="Team"
      className={className}
      selectedKey={selected}
      onSelectionChange={key => onChange(String(key))}
      options={options}
      {...(options.length > 10 ? { search: true } : {})}
    />
  );
};
