"""An appointment's fields are declared once (storage.models.AppointmentBase) and shared by the table,
the API's request and answer, and the NewAppointment that the CLI, the API and the CSV import make."""

from bot import api, appointments
from storage.models import Appointment, AppointmentBase, AppointmentKind


def test_every_appointment_model_takes_its_fields_from_the_base() -> None:
    for model in (Appointment, api.AppointmentIn, api.AppointmentOut, appointments.NewAppointment):
        assert issubclass(model, AppointmentBase), model
    assert set(api.AppointmentIn.model_fields) == set(AppointmentBase.model_fields)
    assert set(appointments.NewAppointment.model_fields) == set(AppointmentBase.model_fields)
    assert set(AppointmentBase.model_fields) <= set(api.AppointmentOut.model_fields)


def test_what_the_api_accepts_fits_the_columns() -> None:
    columns, fields = Appointment.__table__.columns, api.AppointmentIn.model_fields
    for name in ("place_name", "address", "entrance_photo_url"):
        [limit] = [m.max_length for m in fields[name].metadata if getattr(m, "max_length", None)]
        assert limit <= columns[name].type.length, name
    assert max(len(kind) for kind in AppointmentKind) <= columns["kind"].type.length
