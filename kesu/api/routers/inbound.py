from ninja import Router

router = Router(auth=None, tags=["inbound"])
