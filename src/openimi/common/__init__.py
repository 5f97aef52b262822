from openimi.common.net import client_address

__all__ = ["client_address"]
