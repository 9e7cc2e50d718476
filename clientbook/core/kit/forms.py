"""The create and edit form of a spec, derived from its editable fields."""

from collections.abc import Collection, Mapping
from typing import Any, ClassVar, cast

from django import forms

from clientbook.core.kit.spec import ModelSpec
from clientbook.core.web.editing import BootstrapFormMixin


class KitForm(BootstrapFormMixin, forms.ModelForm):
    """Checks each field's input only: the record is validated once, by the write skeleton, and its
    messages come back through ``add_service_errors`` so a form and the API say the same."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Fields that apply only while another field holds one of some values, ``{"phone": ("type", ("call",))}``
    # (a call's number). ``static/js/shown-when.js`` hides them otherwise; without JavaScript they stay
    # visible. Either way what such a field holds is ignored (cleared) while it does not apply.
    shown_when: ClassVar[Mapping[str, tuple[str, Collection[str]]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self._initial_natural_keys()
        else:
            del self.fields["version"]
        for name, (other, values) in self.shown_when.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update({"data-shown-when": other, "data-shown-values": " ".join(values)})
        self.style_widgets()

    def _initial_natural_keys(self) -> None:
        """A relation typed by its natural key shows the related record's key (its code), not its id."""
        for name, field in self.fields.items():
            key = getattr(field, "to_field_name", None)
            if (
                key
                and isinstance(field, forms.ModelChoiceField)
                and not isinstance(field, forms.ModelMultipleChoiceField)
            ):
                related = getattr(self.instance, name, None)
                if related is not None:
                    self.initial[name] = getattr(related, key)

    def _post_clean(self) -> None:
        """No model validation here (the write skeleton does it)."""

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}
        for name, (other, shown_for) in self.shown_when.items():
            if name in values and str(self.cleaned_data.get(other, "")) not in shown_for:
                values[name] = self.fields[name].to_python("")
        return values


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
