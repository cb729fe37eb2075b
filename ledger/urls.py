from django.urls import path

from ledger import views

app_name = "ledger"

urlpatterns = [
    path("keys", views.keys, name="keys"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("checkpoints/<int:size>", views.checkpoint_of_size, name="checkpoint-of-size"),
    path("proof/<int:seq>", views.proof, name="proof"),
    path("consistency/<int:old>/<int:new>", views.consistency, name="consistency"),
]
