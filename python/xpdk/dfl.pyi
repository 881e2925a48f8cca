from typing import List, Optional, Tuple, Union

from . import Error as Error
from .dev import Device, Region

TYPE_AFU: int
TYPE_PRIVATE: int
TYPE_FIU: int

class Feature:
    offset: int
    dfh: int
    type: int
    id: int
    revision: int
    version: int
    name: str
    next: int
    eol: bool
    last: bool
    size: int
    guid: Optional[str]
    next_afu: int
    depth: int
    parent: Optional[int]
    csr_addr: int
    csr_abs: bool
    csr_size: int
    instance_id: int
    group_id: int
    params: List[Tuple[int, int, int, int]]

def walk(source: Union[Device, Region], start: Optional[int] = ...) -> List[Feature]: ...
