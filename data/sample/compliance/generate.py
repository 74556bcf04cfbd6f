"""Write the compliance sample: Intune exports for 8 weekly snapshots and their side files.

Seeded and deterministic: ``python data/sample/compliance/generate.py`` rewrites
``DevicesWithInventory_2026-11-23.zip`` (the current export, zipped as Intune delivers it),
``history/DevicesWithInventory_<date>.csv`` (7 earlier weekly exports), ``device_settings.csv``
(failing settings of the current export), ``org_mapping.csv`` and ``exceptions.csv``.

The exports use the portal's header set (UTF-8 with BOM, dates like ``2026-11-20 08:14:33.0000000``).
Every name is an ordinary one: the XSS and formula-injection probes live in ``tests/test_injection.py``,
which puts them into a copy of these files (the names of devices ``CON-MB10007``, a top offender, and
``CON-LT10011``, and two exception reasons) to check the report's escaping and the Excel neutralising.
"""

from __future__ import annotations

import csv
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261123
HERE = Path(__file__).resolve().parent
AS_OF = pd.Timestamp("2026-11-23")
WEEKS = 8
N_DEVICES = 2500
UNITS = {  # business unit -> (site, manager, weekly chance a compliant device falls out, chance to recover)
    "Finance": ("London", "Priya Shah", 0.03, 0.45),
    "Sales": ("Manchester", "Tom Becker", 0.07, 0.30),
    "Engineering": ("Dublin", "Aoife Byrne", 0.05, 0.40),
    "Operations": ("Leeds", "Marek Nowak", 0.08, 0.22),
    "HR": ("London", "Chloé Martin", 0.02, 0.50),
    "Legal": ("Edinburgh", "Sam O'Neill", 0.03, 0.35),
}
HEADER = [
    "Device ID",
    "Device name",
    "Enrollment date",
    "Last check-in",
    "Microsoft Entra Device ID",
    "OS version",
    "Microsoft Entra registered",
    "EAS activation ID",
    "Serial number",
    "Manufacturer",
    "Model",
    "EAS activated",
    "IMEI",
    "Last EAS sync time",
    "EAS reason",
    "EAS status",
    "Compliance grace period expiration",
    "Security patch level",
    "Wi-Fi MAC",
    "MEID",
    "Subscriber carrier",
    "Total storage",
    "Free storage",
    "Management name",
    "Category",
    "UserId",
    "Primary user UPN",
    "Primary user email address",
    "Primary user display name",
    "WiFiIPv4Address",
    "WiFiSubnetID",
    "Compliance",
    "Managed by",
    "Ownership",
    "Device state",
    "Intune registered",
    "Supervised",
    "Encrypted",
    "OS",
    "SkuFamily",
    "JoinType",
    "Phone number",
    "Jailbroken",
    "ICCID",
    "EthernetMAC",
    "CellularTechnology",
    "ProcessorArchitecture",
    "EID",
    "EnrollmentType",
    "PartnerFeaturesBitmask",
    "ManagementAgents",
    "CertExpirationDate",
    "IsManaged",
]
OS_CHOICES = {  # OS -> (share, versions, manufacturers/models)
    "Windows": (
        0.62,
        [
            "10.0.19045.4291",
            "10.0.19045.5131",
            "10.0.22621.4317",
            "10.0.22631.4460",
            "10.0.22631.4602",
            "10.0.26100.2314",
            "10.0.26100.2454",
        ],
        [
            ("Dell Inc.", "Latitude 5440"),
            ("Dell Inc.", "Latitude 7450"),
            ("LENOVO", "ThinkPad T14 Gen 4"),
            ("HP", "EliteBook 840 G10"),
            ("Microsoft Corporation", "Surface Laptop 6"),
        ],
    ),
    "iOS": (
        0.16,
        ["16.7.10", "17.6.1", "18.0.1", "18.1", "18.1.1"],
        [("Apple", "iPhone 14"), ("Apple", "iPhone 15"), ("Apple", "iPad Air (5th generation)")],
    ),
    "Android": (
        0.10,
        ["12", "13", "14", "15"],
        [("samsung", "SM-S911B"), ("samsung", "SM-A546B"), ("Google", "Pixel 8")],
    ),
    "macOS": (
        0.12,
        ["13.6.9", "14.6.1", "14.7.1", "15.0.1", "15.1.1"],
        [("Apple", "MacBook Pro (14-inch, M3, 2023)"), ("Apple", "MacBook Air (13-inch, M2, 2022)")],
    ),
}
SECURITY = {
    "Windows": [
        "BitLocker",
        "Secure Boot enabled",
        "Microsoft Defender Antimalware",
        "Firewall",
        "Minimum OS version",
        "Require device to be at or under the machine risk score",
    ],
    "iOS": ["Minimum OS version", "Require a password to unlock mobile devices", "Jailbroken devices"],
    "Android": ["Minimum security patch level", "Require a password to unlock mobile devices", "Rooted devices"],
    "macOS": ["FileVault", "Firewall", "System Integrity Protection", "Minimum OS version"],
}
HOUSEKEEPING = ["Is active", "Has a compliance policy assigned", "Enrolled user exists"]
FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Maria",
    "Chen",
    "Fatima",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Lucas",
    "Mia",
    "Ethan",
    "Zoe",
    "Omar",
    "Ines",
    "Jonas",
    "Léa",
    "Mateo",
    "Sofia",
    "Ravi",
    "Hannah",
    "Kofi",
    "Yuki",
]
LAST = [
    "Smith",
    "Jones",
    "Müller",
    "García",
    "Kowalski",
    "Okafor",
    "Nguyen",
    "Rossi",
    "Dubois",
    "Patel",
    "Murphy",
    "Silva",
    "Johansson",
    "Kim",
    "Novak",
    "Byrne",
    "Haddad",
    "Costa",
    "Walsh",
    "Fischer",
]


def stamp(ts: pd.Timestamp) -> str:
    """Intune's export format: seven fraction digits."""
    return ts.strftime("%Y-%m-%d %H:%M:%S") + ".0000000"


def make_people(rng: np.random.Generator) -> pd.DataFrame:
    units = list(UNITS)
    rows, seen = [], set()
    while len(rows) < 1300:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        upn = f"{first}.{last}".lower().replace("é", "e").replace("ü", "u") + f"{len(rows) % 97}@contoso.com"
        if upn in seen:
            continue
        seen.add(upn)
        unit = units[int(rng.choice(len(units), p=[0.12, 0.24, 0.26, 0.2, 0.08, 0.1]))]
        rows.append({"upn": upn, "name": f"{first} {last}", "unit": unit})
    return pd.DataFrame(rows)


def make_devices(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    os_names = list(OS_CHOICES)
    shares = [OS_CHOICES[o][0] for o in os_names]
    devices = []
    for i in range(N_DEVICES):
        os_name = os_names[int(rng.choice(len(os_names), p=shares))]
        _, versions, models = OS_CHOICES[os_name]
        maker, model = models[int(rng.integers(len(models)))]
        person = people.iloc[int(rng.integers(len(people)))] if rng.random() > 0.03 else None
        prefix = {"Windows": "CON-LT", "iOS": "CON-IP", "Android": "CON-AN", "macOS": "CON-MB"}[os_name]
        devices.append(
            {
                "device_id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                "entra_id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                "name": f"{prefix}{10000 + i}",
                "os": os_name,
                "version_idx": int(rng.integers(len(versions))),
                "maker": maker,
                "model": model,
                "serial": "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), 10)),
                "upn": "" if person is None else person["upn"],
                "user": "" if person is None else person["name"],
                "unit": "Operations" if person is None else person["unit"],
                "ownership": "Personal" if os_name in ("iOS", "Android") and rng.random() < 0.3 else "Corporate",
                "enrolled": AS_OF - pd.Timedelta(days=int(rng.integers(20, 900))),
                "retired": AS_OF - pd.Timedelta(days=int(rng.integers(10, 120))) if rng.random() < 0.07 else None,
                "encrypted": rng.random() > (0.04 if os_name != "Android" else 0.1),
            }
        )
    return pd.DataFrame(devices)


def simulate_states(rng: np.random.Generator, devices: pd.DataFrame, dates: list[pd.Timestamp]) -> np.ndarray:
    """Weekly Markov chain per device: True = non-compliant that week."""
    failing = np.zeros((len(devices), len(dates)), dtype=bool)
    chronic = rng.random(len(devices)) < 0.025  # never fixed: long streaks for the SLA section
    chronic[7] = True  # a top offender, so its name is shown (tests/test_injection.py probes it)
    state = rng.random(len(devices)) < 0.08
    for w in range(len(dates)):
        fall = np.array([UNITS[u][2] for u in devices["unit"]])
        recover = np.array([UNITS[u][3] for u in devices["unit"]])
        draw = rng.random(len(devices))
        state = np.where(state, draw > recover, draw < fall) | chronic
        failing[:, w] = state
    return failing


def export_rows(rng, devices, failing_week, when, is_current, grace_rng) -> tuple[list[list[str]], list[dict]]:
    rows, fails = [], []
    for i, d in devices.iterrows():
        if d["enrolled"] > when:
            continue  # not yet enrolled at this snapshot
        versions = OS_CHOICES[d["os"]][1]
        vidx = min(len(versions) - 1, d["version_idx"] + int((when - AS_OF).days // 28 + 2) // 2)
        if d["retired"] is not None and d["retired"] <= when:
            checkin = d["retired"] + pd.Timedelta(hours=9)
        else:
            checkin = when - pd.Timedelta(minutes=int(rng.integers(5, 4 * 24 * 60)))
        failing = failing_week[i]
        state, grace = "Compliant", ""
        if failing:
            roll = grace_rng.random()
            if roll < 0.12:
                state = "In grace period"
                grace = stamp(when + pd.Timedelta(days=int(grace_rng.integers(1, 7)), hours=8))
            elif roll < 0.17:
                state = "Not evaluated"
            elif roll < 0.20:
                state = "Error"
            elif roll < 0.22:
                state = "Conflict"
            else:
                state = "Noncompliant"
        elif d["os"] == "Windows" and grace_rng.random() < 0.01:
            state = "ConfigMgr"
        failing_settings = []
        if state in ("Noncompliant", "Error", "Conflict", "In grace period"):
            pool = SECURITY[d["os"]]
            k = int(rng.integers(1, 3))
            failing_settings = list(rng.choice(pool, size=min(k, len(pool)), replace=False))
            if rng.random() < 0.25:
                failing_settings.append(HOUSEKEEPING[int(rng.integers(len(HOUSEKEEPING)))])
        if not d["encrypted"] and d["os"] == "Windows" and "BitLocker" not in failing_settings and state != "Compliant":
            failing_settings.append("BitLocker")
        for s in failing_settings:
            fails.append(
                {
                    "DeviceId": d["device_id"],
                    "DeviceName": d["name"],
                    "UPN": d["upn"],
                    "PolicyName": f"CMP-{d['os']}-Baseline",
                    "SettingName": s,
                    "SettingStatus_loc": "Error" if state == "Error" else "Noncompliant",
                }
            )
        email = d["upn"]
        row = {
            "Device ID": d["device_id"],
            "Device name": d["name"],
            "Enrollment date": stamp(d["enrolled"]),
            "Last check-in": stamp(checkin),
            "Microsoft Entra Device ID": d["entra_id"],
            "OS version": versions[vidx],
            "Microsoft Entra registered": "True",
            "Serial number": d["serial"],
            "Manufacturer": d["maker"],
            "Model": d["model"],
            "EAS activated": "False",
            "Compliance grace period expiration": grace or "9999-12-31 23:59:59.9999999",
            "Security patch level": "2026-10-01" if d["os"] == "Android" else "",
            "Total storage": "476940",
            "Free storage": str(int(rng.integers(20000, 300000))),
            "Management name": f"{d['upn'].split('@')[0] or 'kiosk'}_{d['os']}_{when:%m/%d/%Y}",
            "Primary user UPN": d["upn"],
            "Primary user email address": email,
            "Primary user display name": d["user"],
            "Compliance": state,
            "Managed by": "Co-managed" if d["os"] == "Windows" and i % 5 == 0 else "Intune",
            "Ownership": d["ownership"],
            "Device state": "Managed",
            "Intune registered": "True",
            "Supervised": "True" if d["os"] == "iOS" and d["ownership"] == "Corporate" else "False",
            "Encrypted": "True" if d["encrypted"] else "False",
            "OS": d["os"],
            "SkuFamily": "Enterprise" if d["os"] == "Windows" else "",
            "JoinType": "Microsoft Entra joined" if d["os"] == "Windows" else "",
            "Jailbroken": "False" if d["os"] in ("iOS", "Android") else "Unknown",
            "ProcessorArchitecture": "x64" if d["os"] == "Windows" else "arm64",
            "EnrollmentType": "WindowsAzureADJoin" if d["os"] == "Windows" else "UserEnrollment",
            "IsManaged": "True",
        }
        rows.append([row.get(h, "") for h in HEADER])
    return rows, fails


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    grace_rng = np.random.default_rng(SEED + 1)
    people = make_people(rng)
    devices = make_devices(rng, people)
    dates = [AS_OF - pd.Timedelta(weeks=WEEKS - 1 - w) for w in range(WEEKS)]
    failing = simulate_states(rng, devices, dates)
    for old in (HERE / "history").glob("DevicesWithInventory_*.csv"):
        old.unlink()
    current_fails = []
    for w, when in enumerate(dates):
        rows, fails = export_rows(rng, devices, failing[:, w], when, w == WEEKS - 1, grace_rng)
        if w < WEEKS - 1:
            write_csv(HERE / "history" / f"DevicesWithInventory_{when:%Y-%m-%d}.csv", HEADER, rows)
        else:
            inner = HERE / f"DevicesWithInventory_{uuid.UUID(int=SEED)}.csv"
            write_csv(inner, HEADER, rows)
            # A fixed timestamp inside the zip keeps the file byte-identical between runs.
            info = zipfile.ZipInfo(inner.name, date_time=(2026, 11, 23, 6, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zipfile.ZipFile(HERE / f"DevicesWithInventory_{when:%Y-%m-%d}.zip", "w") as z:
                z.writestr(info, inner.read_bytes())
            inner.unlink()
            current_fails = fails
    settings = pd.DataFrame(current_fails)
    settings.to_csv(HERE / "device_settings.csv", index=False, encoding="utf-8-sig")
    # Org mapping: every unit's users, minus a few who left (their devices show as unmapped).
    org = people.sample(frac=0.985, random_state=SEED).sort_values("upn")
    pd.DataFrame(
        {
            "UPN": org["upn"],
            "Business unit": org["unit"],
            "Site": [UNITS[u][0] for u in org["unit"]],
            "Manager": [UNITS[u][1] for u in org["unit"]],
        }
    ).to_csv(HERE / "org_mapping.csv", index=False, encoding="utf-8")
    write_exceptions(rng, devices, settings)


def write_exceptions(rng, devices, settings) -> None:
    """About 40 exceptions: device-wide and per setting, valid, expiring soon, expired, on as_of."""
    rows = []
    failing = settings.drop_duplicates("DeviceId").sample(36, random_state=SEED)
    offsets = [-40, -12, -3, 0, 5, 12, 25, 45, 90, 180]
    reasons = [
        "Legacy finance app needs old OS build",
        "Device awaiting hardware refresh",
        "Lab device, isolated network",
        "Vendor support case open",
        "Travelling, update on return",
    ]
    for j, rec in enumerate(failing.itertuples(index=False)):
        device_settings = settings.loc[settings["DeviceId"] == rec.DeviceId, "SettingName"].tolist()
        kind = j % 3
        subject = rec.UPN if kind == 2 and rec.UPN else rec.DeviceId
        setting = "*" if kind == 0 else device_settings[0]
        expires = AS_OF + pd.Timedelta(days=offsets[j % len(offsets)])
        rows.append(
            {
                "Device ID or UPN": subject,
                "Setting": setting,
                "Reason": reasons[j % len(reasons)],
                "Approver": "CISO office" if j % 2 else "IT Security",
                "Expires": f"{expires:%Y-%m-%d}",
            }
        )
    rows[5]["Reason"] = "Firmware fix promised by the vendor for December"  # +12 days: shown as expiring soon
    rows.append(
        {
            "Device ID or UPN": devices.loc[11, "device_id"],
            "Setting": "*",
            "Reason": "Pending review by IT Security",
            "Approver": "IT Security",
            "Expires": "",
        }
    )
    pd.DataFrame(rows).to_csv(HERE / "exceptions.csv", index=False, encoding="utf-8")


if __name__ == "__main__":
    main()
