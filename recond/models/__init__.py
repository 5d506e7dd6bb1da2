"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from recond.models.organisation import DonorContact, DonorSite, Organisation, OrganisationKind
from recond.models.user import NO_PASSWORD, AccountLink, ApiToken, RecoveryCode, Role, User
from recond.models.deposit import (
    Deposit, DepositItem, DepositStatus, DeviceImport, ReceptionScan,
)
from recond.models.device import Device, StorageMedium
from recond.models.donation_receipt import DonationReceipt
from recond.models.history import DeviceEvent, HistoryCheckpoint, StagePassage
from recond.models.report_rollup import PassageDay, PassageDayTotal, ReportRollup, StatusCount
from recond.models.sanitisation import (
    Certificate, SanitisationEvidence, SanitisationMethod, SanitisationRecord, Verification,
)
from recond.models.pricing import PriceEntry, PriceGrid, Tier
from recond.models.equipment_request import (
    ALLOCATABLE_STATUSES, EquipmentRequest, Purpose, RequestLine, RequestStatus,
)
from recond.models.beneficiary import Beneficiary
from recond.models.allocation import Allocation, AllocationStatus
from recond.models.payment import Payment, PaymentKind
from recond.models.training import (
    Attendance, ReleaseTraining, SessionRevision, TrainingSession, TrainingTopic,
)
from recond.models.delivery import (
    DeliveryItem, DeliveryKind, DeliveryNote, DeliveryStatus, UnexpectedScan,
)
from recond.models.operating_system import OsImage
from recond.models.transfer import (
    TransferItem, TransferNote, TransferStatus, TransferUnexpectedScan,
)
from recond.models.recycling import RecyclingLot
from recond.models.test_report import TestReport
from recond.models.security_event import SecurityEvent
from recond.models.job_receipt import JobReceipt
from recond.models.public_help import PublicHelp
from recond.models.emission_factor import EmissionFactor
from recond.models.webhook import DeliveryStatus as WebhookDeliveryStatus
from recond.models.webhook import Webhook, WebhookAttempt, WebhookDelivery
from recond.models.convention import (
    Convention, ConventionDeposit, ConventionReturn, ConventionSupply, PartnerReturn,
)
from recond.models.pickup import Pickup
from recond.models.hardware_capture import HardwareCapture

__all__ = [
    "NO_PASSWORD", "AccountLink", "ALLOCATABLE_STATUSES", "Allocation", "Certificate", "AllocationStatus", "ApiToken", "Attendance",
    "Beneficiary", "Deposit", "JobReceipt", "DepositItem", "DepositStatus", "Device", "DeviceImport",
    "DonationReceipt", "EmissionFactor", "DonorContact", "DonorSite", "ReceptionScan", "DeviceEvent", "HistoryCheckpoint", "StagePassage", "PassageDay", "PassageDayTotal", "ReportRollup", "StatusCount", "EquipmentRequest", "HardwareCapture", "Organisation",
    "OrganisationKind", "OsImage", "Payment", "PaymentKind", "PriceEntry", "PublicHelp", "PriceGrid", "Purpose", "RequestLine",
    "RecoveryCode", "RecyclingLot", "RequestStatus", "SecurityEvent", "Role", "SanitisationMethod",
    "SanitisationRecord", "StorageMedium", "SanitisationEvidence", "ReleaseTraining", "SessionRevision",
    "TestReport", "Tier", "TrainingSession", "TrainingTopic", "User",
    "Webhook", "WebhookAttempt", "WebhookDelivery", "WebhookDeliveryStatus",
    "DeliveryItem", "DeliveryKind", "Convention", "ConventionDeposit", "ConventionReturn",
    "ConventionSupply", "PartnerReturn", "Pickup", "DeliveryNote", "DeliveryStatus", "UnexpectedScan", "Verification",
    "TransferItem", "TransferNote", "TransferStatus", "TransferUnexpectedScan",
]
