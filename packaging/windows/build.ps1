# Build the Windows installer: PyInstaller one-folder bundle, its self-test, then Inno Setup 6.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Python C:\path\to\venv\Scripts\python.exe] [-Iscc C:\path\to\ISCC.exe]
# Output: dist\holbrook\ (the bundle) and dist\HolbrookSetup-<version>.exe (the installer).
param(
    [string]$Python = "",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Repo
$Started = Get-Date

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "build.ps1: $What failed (exit code $LASTEXITCODE)" }
}

# A venv in the checkout unless a Python is named.
if (-not $Python) {
    if (-not (Test-Path ".venv\Scripts\python.exe")) { Invoke-Checked "creating .venv" { py -3.11 -m venv .venv } }
    $Python = Join-Path $Repo ".venv\Scripts\python.exe"
}
Invoke-Checked "installing the app and PyInstaller" { & $Python -m pip install -q -e ".[package]" }

Invoke-Checked "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging\holbrook.spec
}
$Bundle = Join-Path $Repo "dist\holbrook"
$Version = (& $Python -c "import sys; sys.path.insert(0, 'packaging'); import spec_support; print(spec_support.app_version())").Trim()
$Numeric = (& $Python -c "import sys; sys.path.insert(0, 'packaging'); import spec_support as s; print('.'.join(map(str, s.version_numbers(s.app_version()))))").Trim()

# The console executable prints; the windowed one has no console to print to.
Invoke-Checked "holbrook --version" { & "$Bundle\holbrook.exe" --version }
Invoke-Checked "the bundle's self-test" { & "$Bundle\holbrook.exe" --self-test }
if (-not (Test-Path "$Bundle\Holbrook Staff Handbook.exe")) { throw "build.ps1: the windowed executable is missing" }

if (-not $Iscc) {
    $Found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($Found) { $Iscc = $Found.Source }
    else { $Iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
}
if (-not (Test-Path $Iscc)) { throw "build.ps1: Inno Setup 6 not found (install it, or pass -Iscc C:\path\to\ISCC.exe)" }
Invoke-Checked "Inno Setup" {
    & $Iscc /Q "/DAppVersion=$Version" "/DAppNumericVersion=$Numeric" "/DDistDir=$Bundle" `
        "/DIconFile=$Repo\build\holbrook\holbrook.ico" packaging\windows\holbrook.iss
}

$Size = (Get-ChildItem $Bundle -Recurse -File | Measure-Object -Sum Length).Sum / 1MB
$Seconds = [int]((Get-Date) - $Started).TotalSeconds
Write-Host ("build.ps1: dist\HolbrookSetup-{0}.exe from a {1:N0} MB bundle in {2} s" -f $Version, $Size, $Seconds)
