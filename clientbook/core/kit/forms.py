"""The create and edit form of a spec, derived from its editable fields."""

from typing import Any, cast

from django import forms

from clientbook.core.kit.spec import ModelSpec
from clientbook.core.web.editing import BootstrapFormMixin


class KitForm(BootstrapFormMixin, forms.ModelForm):
    """Checks each field's input only: the record is validated once, by the write skeleton, and its
    messages come back through ``add_service_errors`` so a form and the API say the same."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]
        self.style_widgets()

    def _post_clean(self) -> None:
        """No model validation here (the write skeleton does it)."""

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}


def form_class(spec: ModelSpec) -> type[KitForm]:
    """The spec's own form, else one derived from its editable fields.

    A relation with a natural key is typed by that key (an organization's code), not picked from every row.
    """
    if spec.form is not None:
        return cast(type[KitForm], spec.form)

    def field_for(model_field: Any, **kwargs: Any) -> Any:
        key = spec.natural_keys.get(model_field.name)
        if key and model_field.many_to_one:
            kwargs.update(to_field_name=key, widget=forms.TextInput)
        return model_field.formfield(**kwargs)

    form = forms.modelform_factory(
        spec.model,
        form=KitForm,
        fields=list(spec.editable_fields),
        widgets=dict(spec.form_widgets),
        formfield_callback=field_for,
    )
    return cast(type[KitForm], form)
