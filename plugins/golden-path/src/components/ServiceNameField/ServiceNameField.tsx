import TextField from '@material-ui/core/TextField';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { serviceNameProblems } from './serviceName';

/**
 * The name of a new service, saying under it which part of the rule the
 * name breaks (the template sets `ui:hideError`, so the schema's generic
 * message is only in the list above the form).
 */
export function ServiceNameField(props: FieldExtensionComponentProps<string>) {
  const {
    onChange,
    required,
    schema: { title = 'Name' },
    rawErrors,
    formData,
    uiSchema,
    idSchema,
  } = props;
  const problems = rawErrors?.length ? serviceNameProblems(formData) : [];
  const problemsId = `${idSchema?.$id}-problems`;
  return (
    <TextField
      id={idSchema?.$id}
      label={title}
      required={required}
      value={formData ?? ''}
      onChange={({ target: { value } }) => onChange(value)}
      margin="normal"
      error={(rawErrors?.length ?? 0) > 0}
      helperText={
        problems.length > 0 ? (
          <span id={problemsId}>{problems.join(' ')}</span>
        ) : undefined
      }
      inputProps={{
        autoFocus: uiSchema['ui:autofocus'],
        spellCheck: false,
        autoCapitalize: 'none',
        'aria-describedby': problems.length > 0 ? problemsId : undefined,
      }}
      FormHelperTextProps={{ style: { marginLeft: 0 } }}
    />
  );
}

/** `ui:field: ServiceName` in the golden-path templates. */
export const serviceNameFormField = FormFieldBlueprint.make({
  name: 'service-name',
  params: {
    field: async () =>
      createFormField({
        name: 'ServiceName',
        component: ServiceNameField,
        validation: (value, validation) => {
          for (const problem of serviceNameProblems(value as string)) {
            validation.addError(problem);
          }
        },
      }),
  },
});
