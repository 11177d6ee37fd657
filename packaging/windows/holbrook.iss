; Inno Setup 6 recipe for Holbrook Staff Handbook: a per-machine install of the PyInstaller
; one-folder build (dist\holbrook\, from packaging\holbrook.spec). Built by build.ps1:
;   ISCC /DAppVersion=0.1.0 /DAppNumericVersion=0.1.0.0 packaging\windows\holbrook.iss
;
; Silent install for IT (every option optional except the first three):
;   HolbrookSetup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /DATADIR="D:\Holbrook" /LOG="C:\Temp\holbrook-install.log"
; /DATADIR writes the machine setting holbrook.toml (data_dir = '...'), the same file that
; `holbrook data-dir set` writes; without it an existing setting is left as it is.
; Uninstalling removes the program only: the data folder, the records and the setting stay.

#ifndef AppVersion
  #error Pass the version from holbrook_desktop.__version__: ISCC /DAppVersion=... (build.ps1 does)
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion "0.0.0.0"
#endif
; PyInstaller's output: COLLECT(name="holbrook") in packaging\holbrook.spec.
#ifndef DistDir
  #define DistDir "..\..\dist\holbrook"
#endif

#define AppName "Holbrook Staff Handbook"
#define WindowedExe "Holbrook Staff Handbook.exe"
#define ConsoleExe "holbrook.exe"
; platformdirs.site_data_dir("Holbrook Staff Handbook", appauthor=False) and site_config_dir:
; both are C:\ProgramData\Holbrook Staff Handbook (see holbrook_desktop/core/paths.py).
#define SharedFolder "{commonappdata}\Holbrook Staff Handbook"
#define MachineConfig "holbrook.toml"

[Setup]
AppId={{056E3F64-1F12-47FE-8931-278BB6F1B8BC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Holbrook Primary School
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductTextVersion={#AppVersion}
; Per machine: Program Files, the all-users Start menu, one shared data folder.
PrivilegesRequired=admin
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=HolbrookSetup-{#AppVersion}
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
UninstallDisplayIcon={app}\{#WindowedExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Dirs]
; Every account on the PC reads and writes the shared records here; never removed on uninstall.
Name: "{#SharedFolder}"; Permissions: users-modify; Flags: uninsneveruninstall

[InstallDelete]
; An upgrade replaces the bundle's libraries wholesale, so none of an older version's linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#WindowedExe}"; WorkingDir: "{app}"

[Run]
Filename: "{app}\{#WindowedExe}"; Description: "Open {#AppName} now"; Flags: nowait postinstall skipifsilent

[Code]
const
  UsersSid = '*S-1-5-32-545';  { BUILTIN\Users, whatever the Windows language }

function RequestedDataDir(): String;
begin
  Result := Trim(ExpandConstant('{param:DATADIR|}'));
end;

function IsAbsoluteWindowsPath(Path: String): Boolean;
begin
  { D:\Holbrook, or a share: \\server\share\Holbrook }
  Result := ((Length(Path) >= 3) and (Path[2] = ':') and (Path[3] = '\')) or (Copy(Path, 1, 2) = '\\');
end;

function TomlString(Value: String): String;
begin
  { A TOML literal string takes backslashes as they are; it cannot hold a single quote, so a
    path with one is written as a basic string with its escapes instead. }
  if Pos('''', Value) = 0 then
    Result := '''' + Value + ''''
  else
  begin
    StringChangeEx(Value, '\', '\\', True);
    StringChangeEx(Value, '"', '\"', True);
    Result := '"' + Value + '"';
  end;
end;

function InitializeSetup(): Boolean;
var
  DataDir: String;
begin
  Result := True;
  DataDir := RequestedDataDir();
  if (DataDir <> '') and not IsAbsoluteWindowsPath(DataDir) then
  begin
    Log('/DATADIR must be a full path such as D:\Holbrook or \\server\share\Holbrook, not: ' + DataDir);
    SuppressibleMsgBox('/DATADIR must be a full path such as D:\Holbrook or \\server\share\Holbrook, not "'
      + DataDir + '".', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;

procedure RunIcacls(Parameters: String);
var
  ResultCode: Integer;
begin
  if not Exec(ExpandConstant('{sys}\icacls.exe'), Parameters, '', SW_HIDE, ewWaitUntilTerminated, ResultCode)
     or (ResultCode <> 0) then
    Log('icacls ' + Parameters + ' failed with code ' + IntToStr(ResultCode));
end;

procedure WriteMachineConfig(DataDir: String);
var
  ConfigFile: String;
  Lines: TArrayOfString;
begin
  ConfigFile := ExpandConstant('{#SharedFolder}\{#MachineConfig}');
  SetArrayLength(Lines, 2);
  Lines[0] := '# Written by the installer (/DATADIR); change it with ''holbrook data-dir set DIR''.';
  Lines[1] := 'data_dir = ' + TomlString(DataDir);
  { Python's TOML reader refuses a byte-order mark, so no BOM. }
  if SaveStringsToUTF8FileWithoutBOM(ConfigFile, Lines, False) then
  begin
    Log('Wrote ' + ConfigFile + ': data_dir = ' + DataDir);
    { The shared folder lets every user modify what is in it; the setting itself stays the
      administrators' to change: users may read it only. }
    RunIcacls('"' + ConfigFile + '" /inheritance:d');
    RunIcacls('"' + ConfigFile + '" /remove:g ' + UsersSid);
    RunIcacls('"' + ConfigFile + '" /grant ' + UsersSid + ':(R)');
  end
  else
    RaiseException('Could not write ' + ConfigFile);
end;

procedure PrepareDataDir(DataDir: String);
begin
  if not DirExists(DataDir) and not ForceDirectories(DataDir) then
  begin
    Log('Could not create ' + DataDir + '; the app will say so when it starts.');
    Exit;
  end;
  { A folder on this PC gets the same rights as the shared folder; a share's rights are the
    file server's business. }
  if Copy(DataDir, 1, 2) <> '\\' then
    RunIcacls('"' + DataDir + '" /grant ' + UsersSid + ':(OI)(CI)M');
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  DataDir: String;
begin
  if CurStep = ssPostInstall then
  begin
    DataDir := RequestedDataDir();
    if DataDir <> '' then
    begin
      PrepareDataDir(DataDir);
      WriteMachineConfig(DataDir);
    end;
  end;
end;
