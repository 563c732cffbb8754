import TextField from '@material-ui/core/TextField';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { serviceNameProblems } from './serviceName';

/**
 * The name of a new service, with what is wrong with it in words (the
 * template declares no JSON-schema pattern for it, whose message would be
 * "must match pattern \"^[a-z]([a-z0-9-]*[a-z0-9])?$\"").
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
  // The form lists the problems (serviceNameProblems, from the validation
  // below) under the field and above the form.
  return (
    <TextField
      id={idSchema?.$id}
      label={title}
      required={required}
      value={formData ?? ''}
      onChange={({ target: { value } }) => onChange(value)}
      margin="normal"
      error={(rawErrors?.length ?? 0) > 0}
      inputProps={{
        autoFocus: uiSchema['ui:autofocus'],
        spellCheck: false,
        autoCapitalize: 'none',
      }}
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
