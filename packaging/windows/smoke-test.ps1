#Requires -Version 7.2
<#
.SYNOPSIS
Installs the MSI on this Windows machine and checks it as an operator would, then uninstalls it and checks that
nothing is left; then the portable zip.

.DESCRIPTION
  1. An older version's MSI (the same app image packaged as 0.0.1, with the same upgrade code) is installed
     silently, then the MSI under test is installed over it: Windows Installer must replace it in place.
  2. The installed console launcher (gpurm-cli.exe) runs --headless with a configuration pointing at the app's own
     simulated Ollama (--simulate-ollama): /health, the status (401 without the token), a switch to RECORDING that loads the VLM through
     it, the Ollama proxy, --print-api-info, the start-up archive it writes on its first start; then
     Ctrl+C, after which it must have stopped cleanly (api.json removed, "GPU resource manager stopped" logged).
  3. The windowed launcher shows the demo on this desktop (a screenshot) and must get a tray icon.
  4. The portable zip: unzipped elsewhere, its gpurm-cli.exe runs headless and answers /health.
  5. msiexec /x: the product, its Start-menu entry and every file in the install folder must be gone.
The app's own files go to a scratch %APPDATA% and %LOCALAPPDATA%, not this user's. Needs PowerShell 7 and, unless -SkipBuild, what the build needs (JDK 17, WiX 3).

    pwsh packaging/windows/smoke-test.ps1              builds first (mvnw.cmd -Ppackage package -DskipTests)
    pwsh packaging/windows/smoke-test.ps1 -SkipBuild   uses what is in target\installer

Leaves its evidence in target\smoke\: msiexec logs, the app's logs and output, the status answers, the
screenshot, summary.md (also the job summary in GitHub Actions).
#>
param([switch]$SkipBuild)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
Set-Location $root
$out = Join-Path $root 'target\smoke'
$scratch = Join-Path ([System.IO.Path]::GetTempPath()) ("gpurm-smoke-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$started = [System.Collections.Generic.List[object]]::new()
$summary = [System.Collections.Generic.List[string]]::new()
$name = 'GPU Resource Manager'
$version = '(not built)'

function Step([string]$text) { Write-Host "[smoke] $text" }
function Passed([string]$check) { $summary.Add("| $check | passed |"); Write-Host "[smoke]   ok: $check" }
function Noted([string]$check, [string]$why) { $summary.Add("| $check | $why |"); Write-Host "[smoke]   NOTE: $check -- $why" }
function Fail([string]$text) { $summary.Add("| **FAILED** | $text |"); throw "[smoke] FAILED: $text" }

# ---- processes: each with a console of its own and no window, its output kept for target\smoke

function Start-Logged([string]$exe, [string[]]$arguments, [string]$label, [string]$appData) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    # A console of its own (without a window): Ctrl+C can then be sent to the app alone (Stop-Cleanly).
    $psi.CreateNoWindow = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.WorkingDirectory = $root
    if ($appData) {
        $psi.Environment['APPDATA'] = Join-Path $appData 'Roaming'
        $psi.Environment['LOCALAPPDATA'] = Join-Path $appData 'Local'
    }
    $p = [System.Diagnostics.Process]::Start($psi)
    $run = [pscustomobject]@{ Process = $p; Label = $label; Out = $null; Err = $p.StandardError.ReadToEndAsync() }
    $started.Add($run)
    return $run
}

function Read-Rest($run) {
    if ($null -eq $run.Out) { $run.Out = $run.Process.StandardOutput.ReadToEndAsync() }
}

function Save-Output($run) {
    Read-Rest $run
    if ($run.Process.WaitForExit(10000)) {
        Set-Content -Path (Join-Path $out "$($run.Label).out.txt") -Value ($run.Out.Result + $run.Err.Result)
    }
}

# The one place that says what stands in for Ollama: the installed app's own simulated Ollama 0.12, which prints
# "listening PORT" once it accepts connections.
function Start-OllamaLookalike {
    $command = @($cli, '--simulate-ollama', '0', '--sim-load-ms', '400')
    $run = Start-Logged $command[0] @($command | Select-Object -Skip 1) 'ollama-lookalike' $null
    $line = $run.Process.StandardOutput.ReadLine()
    Read-Rest $run
    if ($line -notmatch '^listening (\d+)$') { Fail "the simulated Ollama said '$line' instead of 'listening PORT'" }
    return [int]$Matches[1]
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Wait-Until([scriptblock]$condition, [int]$seconds, [string]$what, $run) {
    $deadline = (Get-Date).AddSeconds($seconds)
    while ((Get-Date) -lt $deadline) {
        if (& $condition) { return }
        if ($run -and $run.Process.HasExited) { Save-Output $run; Fail "${what}: the app ended first (exit $($run.Process.ExitCode); see $($run.Label).out.txt)" }
        Start-Sleep -Milliseconds 200
    }
    if ($run) { Read-Rest $run }
    Fail "${what}: not within $seconds s"
}

# Ctrl+C reaches only the processes of one console, and only from a process attached to it; this session keeps
# its own, so a child PowerShell leaves its console, attaches to the app's and sends it. The JVM then runs its
# shutdown hooks, as on a logoff.
function Send-CtrlC([int]$processId) {
    $helperScript = @"
Add-Type -Namespace GpuRmSmoke -Name Console -MemberDefinition '
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool FreeConsole();
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool AttachConsole(uint processId);
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool SetConsoleCtrlHandler(System.IntPtr handler, bool add);
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint processGroupId);
'
[void][GpuRmSmoke.Console]::FreeConsole()
if (-not [GpuRmSmoke.Console]::AttachConsole($processId)) { exit 10 }
[void][GpuRmSmoke.Console]::SetConsoleCtrlHandler([System.IntPtr]::Zero, `$true)
if (-not [GpuRmSmoke.Console]::GenerateConsoleCtrlEvent(0, 0)) { exit 11 }
exit 0
"@
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($helperScript))
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-Process -Id $PID).Path)
    foreach ($a in @('-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $helper = [System.Diagnostics.Process]::Start($psi)
    if (-not $helper.WaitForExit(60000)) { $helper.Kill(); return 'the Ctrl+C helper hung' }
    switch ($helper.ExitCode) {
        0 { return $null }
        10 { return "AttachConsole to pid $processId failed" }
        11 { return 'GenerateConsoleCtrlEvent failed' }
        default { return "the Ctrl+C helper ended with $($helper.ExitCode)" }
    }
}

# Returns $true when the app stopped on Ctrl+C, $false when it had to be killed (the reason is noted).
function Stop-Cleanly($run, [string]$what) {
    $problem = Send-CtrlC $run.Process.Id
    if (-not $problem -and $run.Process.WaitForExit(30000)) { Save-Output $run; return $true }
    if (-not $problem) { $problem = 'it was still running 30 s after Ctrl+C' }
    $run.Process.Kill($true)
    [void]$run.Process.WaitForExit(10000)
    Save-Output $run
    Noted "$what stops on Ctrl+C" "not shown: $problem; stopped by force"
    return $false
}

function Invoke-Http([string]$method, [string]$uri, [hashtable]$headers = @{}, [string]$json = $null) {
    $request = @{ Method = $method; Uri = $uri; Headers = $headers; SkipHttpErrorCheck = $true; TimeoutSec = 180 }
    if ($json) { $request.ContentType = 'application/json'; $request.Body = $json }
    return Invoke-WebRequest @request
}

# ---- Windows Installer: what is installed under our upgrade code

$upgradeCode = '{' + (Select-String -Path (Join-Path $root 'packaging\windows\msi.args') -Pattern '^--win-upgrade-uuid\s+(\S+)').Matches[0].Groups[1].Value.ToUpperInvariant() + '}'

# Windows Installer's own automation object; its properties take arguments, which PowerShell's binder cannot
# call on it, hence InvokeMember. (PowerShell unrolls what a function returns: callers wrap it in @().)
function Get-ComProperty($object, [string]$property, [object[]]$arguments = @()) {
    return $object.GetType().InvokeMember($property, [System.Reflection.BindingFlags]::GetProperty, $null, $object, $arguments)
}

function Get-OurProducts {
    $installer = New-Object -ComObject WindowsInstaller.Installer
    $codes = Get-ComProperty $installer 'RelatedProducts' @($upgradeCode)
    $count = Get-ComProperty $codes 'Count'
    return @(for ($i = 0; $i -lt $count; $i++) {
        $code = Get-ComProperty $codes 'Item' @($i)
        [pscustomobject]@{
            Code = $code
            Version = Get-ComProperty $installer 'ProductInfo' @($code, 'VersionString')
            Location = Get-ComProperty $installer 'ProductInfo' @($code, 'InstallLocation')
        }
    })
}

function Invoke-Msiexec([string]$arguments, [string]$label) {
    $log = Join-Path $out "msiexec-$label.log"
    $p = Start-Process -FilePath msiexec.exe -ArgumentList "$arguments /qn /norestart /l*v `"$log`"" -Wait -PassThru
    if ($p.ExitCode -notin 0, 3010) {
        if (Test-Path $log) { Get-Content $log -Tail 30 | Write-Host }
        Fail "msiexec $arguments exited $($p.ExitCode) (log: msiexec-$label.log)"
    }
}

function Get-OurShortcuts([string[]]$folders = @('Programs', 'DesktopDirectory')) {
    $paths = @($folders | ForEach-Object { [Environment]::GetFolderPath($_) })
    return @(Get-ChildItem -Path $paths -Recurse -Filter "$name*.lnk" -ErrorAction SilentlyContinue | ForEach-Object FullName)
}

function Expect-OneProduct([string]$version, [string]$when) {
    $products = @(Get-OurProducts)
    if ($products.Count -ne 1) { Fail "$when, Windows Installer lists $($products.Count) products with our upgrade code: $($products | Out-String)" }
    if ($products[0].Version -ne $version) { Fail "$when, the installed version is $($products[0].Version), not $version" }
    return $products[0]
}

# ---- the checks

try {
    Remove-Item -Recurse -Force $out -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $out, $scratch | Out-Null
    if (-not $SkipBuild) {
        Step 'building the MSI and the portable zip'
        & (Join-Path $root 'mvnw.cmd') -B -ntp -Ppackage package -DskipTests
        if ($LASTEXITCODE -ne 0) { Fail "the build failed (exit $LASTEXITCODE)" }
    }
    $msi = Get-ChildItem (Join-Path $root 'target\installer') -Filter "$name-*.msi" | Select-Object -First 1
    $zip = Get-ChildItem (Join-Path $root 'target\installer') -Filter "$name-*-portable.zip" | Select-Object -First 1
    $appImage = Join-Path $root "target\installer\$name"
    if (-not $msi) { Fail 'no MSI in target\installer' }
    if (-not $zip) { Fail 'no portable zip in target\installer' }
    $version = $msi.BaseName.Substring($name.Length + 1)
    if (@(Get-OurProducts).Count -gt 0) { Fail "a $name is installed already (upgrade code $upgradeCode): uninstall it first" }

    Step "installing the previous version (the same app image as 0.0.1), to upgrade from"
    $previousImage = Join-Path $scratch 'previous-image'
    New-Item -ItemType Directory -Force -Path $previousImage | Out-Null
    Copy-Item -Recurse -Path $appImage -Destination $previousImage
    # the build's own start-up archive, made for target\installer: no installer ships one
    Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $previousImage "$name\app\app.jsa")
    $msiArgs = Get-Content (Join-Path $root 'target\packaging\args\windows\msi.args') |
        ForEach-Object { $_ -replace '^--app-version .*', '--app-version 0.0.1' }
    Set-Content -Path (Join-Path $scratch 'previous-msi.args') -Value $msiArgs
    $jpackage = if ($env:JAVA_HOME) { Join-Path $env:JAVA_HOME 'bin\jpackage.exe' } else { (Get-Command jpackage.exe).Source }
    & $jpackage "@$(Join-Path $scratch 'previous-msi.args')" --app-image (Join-Path $previousImage $name) `
        --dest (Join-Path $scratch 'previous') *> (Join-Path $out 'previous-jpackage.log')
    if ($LASTEXITCODE -ne 0) { Get-Content (Join-Path $out 'previous-jpackage.log') | Write-Host; Fail 'jpackage of the previous version' }
    $previousMsi = Get-ChildItem (Join-Path $scratch 'previous') -Filter '*.msi' | Select-Object -First 1
    Invoke-Msiexec "/i `"$($previousMsi.FullName)`"" 'install-previous'
    $previous = Expect-OneProduct '0.0.1' 'after installing the previous version'
    Passed "the previous version (0.0.1) installs silently (msiexec /i /qn) into $($previous.Location)"

    Step "upgrading to $($msi.Name)"
    Invoke-Msiexec "/i `"$($msi.FullName)`"" 'upgrade'
    $product = Expect-OneProduct $version 'after the upgrade'
    if ($product.Code -eq $previous.Code) { Fail 'the upgrade kept the previous product code' }
    $install = "$($product.Location)".TrimEnd('\')
    if (-not $install) {
        $install = Join-Path $env:LOCALAPPDATA $name
        Noted 'the install location' "Windows Installer records none; jpackage's per-user default $install is assumed"
    }
    $cli = Join-Path $install 'gpurm-cli.exe'
    $gui = Join-Path $install "$name.exe"
    foreach ($f in $cli, $gui, (Join-Path $install 'app\app.classlist')) { if (-not (Test-Path $f)) { Fail "$f is missing after the upgrade" } }
    if (-not (Get-OurShortcuts @('Programs'))) { Fail 'no Start-menu entry after the upgrade' }
    Passed "$version upgrades 0.0.1 in place (one product under upgrade code $upgradeCode, in $install, with its Start-menu entry)"
    $versionRun = Start-Logged $cli @('--version') 'version' $null
    Save-Output $versionRun
    if ($versionRun.Out.Result -notmatch "^$name ") { Fail "gpurm-cli.exe --version said: $($versionRun.Out.Result)" }
    Passed "gpurm-cli.exe --version: $($versionRun.Out.Result.Trim())"

    Step 'headless against the simulated Ollama: /health, status, RECORDING, the proxy, --print-api-info'
    $ollamaPort = Start-OllamaLookalike
    $appData = Join-Path $scratch 'appdata'
    $data = Join-Path $appData 'Local\GpuResourceManager'
    $proxyPort = Get-FreePort
    $config = Join-Path $scratch 'config.json'
    Set-Content -Path $config -Value "{`"api_port`": 0, `"proxy_port`": $proxyPort, `"ollama_endpoint`": `"http://127.0.0.1:$ollamaPort`"}"
    $headless = Start-Logged $cli @('--headless', '--config', $config) 'headless' $appData
    $info = Join-Path $data 'api.json'
    Wait-Until { (Test-Path $info) -and (Get-Item $info).Length -gt 0 } 60 'api.json written' $headless
    $api = Get-Content -Raw $info | ConvertFrom-Json
    $auth = @{ Authorization = "Bearer $($api.token)" }
    $health = Invoke-Http GET "$($api.base_url)/health"
    if ($health.StatusCode -ne 200 -or $health.Content -notmatch '"status":"ok"') { Fail "/health answered $($health.StatusCode) $($health.Content)" }
    Passed "the installed app runs headless and answers /health on $($api.base_url)"
    $unauthorized = Invoke-Http GET "$($api.base_url)/api/v1/status"
    if ($unauthorized.StatusCode -ne 401) { Fail "the status without the token answered $($unauthorized.StatusCode), not 401" }
    $status = Invoke-Http GET "$($api.base_url)/api/v1/status" $auth
    Set-Content -Path (Join-Path $out 'status.json') -Value $status.Content
    $idle = $status.Content | ConvertFrom-Json
    if ($idle.execution_mode -ne 'idle') { Fail "the status says $($idle.execution_mode), not idle" }
    if ("$($idle.degraded_reason)" -match 'Ollama') { Fail "the simulated Ollama answers, yet: $($idle.degraded_reason)" }
    $mode = Invoke-Http POST "$($api.base_url)/api/v1/mode" $auth '{"mode":"recording"}'
    Set-Content -Path (Join-Path $out 'status-recording.json') -Value $mode.Content
    $recording = $mode.Content | ConvertFrom-Json
    if ($mode.StatusCode -ne 200 -or $recording.execution_mode -ne 'recording' -or $recording.vlm_state -ne 'loaded') {
        Fail "POST /api/v1/mode recording answered $($mode.StatusCode) $($mode.Content)"
    }
    Passed 'the status needs the token, and RECORDING loads the VLM through the simulated Ollama'
    $proxied = Invoke-Http GET "http://127.0.0.1:$proxyPort/api/version"
    if ($proxied.StatusCode -ne 200 -or $proxied.Content -notmatch '"version"') { Fail "the proxy answered $($proxied.StatusCode) $($proxied.Content)" }
    Passed "the Ollama proxy on 127.0.0.1:$proxyPort forwards to the simulated Ollama"
    $printed = Start-Logged $cli @('--print-api-info') 'print-api-info' $appData
    Save-Output $printed
    $lines = $printed.Out.Result -split "`r?`n"
    if ("Token file: $info" -notin $lines -or "Base URL:   $($api.base_url)" -notin $lines) {
        Fail "gpurm-cli.exe --print-api-info said: $($printed.Out.Result)"
    }
    Passed 'gpurm-cli.exe --print-api-info names the token file in %LOCALAPPDATA% and the address'
    $client = Start-Logged $cli @('--print-client-path') 'print-client-path' $appData
    Save-Output $client
    $wheel = $client.Out.Result.Trim()
    if ($wheel -notlike (Join-Path $install 'app\gpurm_client-*-py3-none-any.whl') -or -not (Test-Path $wheel)) {
        Fail "gpurm-cli.exe --print-client-path said: $wheel"
    }
    Passed "gpurm-cli.exe --print-client-path names the wheel in the install folder: $wheel"
    $log = Join-Path $data 'logs\gpu-resource-manager.log'
    Wait-Until { (Test-Path $log) -and (Select-String -Path $log -Pattern 'Start-up archive (not )?written' -Quiet) } 300 'the start-up archive written or refused' $headless
    $cds = Select-String -Path $log -Pattern 'Start-up archive not written.*' | Select-Object -First 1
    if ($cds) { Fail "the first start did not write its start-up archive: $($cds.Line)" }
    if (-not (Test-Path (Join-Path $install 'app\app.jsa'))) { Fail 'the log says the archive was written, but app\app.jsa is not there' }
    Passed 'the first start writes the start-up archive (app\app.jsa) into the install folder'
    if (Stop-Cleanly $headless 'the headless app') {
        if (Test-Path $info) { Fail 'api.json is still there after Ctrl+C' }
        if (-not (Select-String -Path $log -Pattern 'GPU resource manager stopped' -Quiet)) { Fail 'no "GPU resource manager stopped" in the log after Ctrl+C' }
        Passed 'Ctrl+C stops it cleanly (api.json removed, "GPU resource manager stopped")'
    }
    Copy-Item $log (Join-Path $out 'headless.log')

    Step 'the window: the demo on this desktop, with its tray icon'
    $windowProfile = Join-Path $scratch 'window-profile'
    $window = Start-Logged $gui @('--demo') 'window' $windowProfile
    $windowLog = Join-Path $windowProfile 'Local\GpuResourceManager\logs\gpu-resource-manager.log'
    Wait-Until { (Test-Path $windowLog) -and (Select-String -Path $windowLog -Pattern 'Manager running' -Quiet) } 90 'the demo manager running behind the window' $window
    Start-Sleep -Seconds 5
    try {
        Add-Type -AssemblyName System.Windows.Forms, System.Drawing
        $bounds = [System.Windows.Forms.Screen]::PrimaryScreen.Bounds
        $bitmap = [System.Drawing.Bitmap]::new($bounds.Width, $bounds.Height)
        [System.Drawing.Graphics]::FromImage($bitmap).CopyFromScreen($bounds.Location, [System.Drawing.Point]::Empty, $bounds.Size)
        $bitmap.Save((Join-Path $out 'screenshot.png'))
        Passed "the windowed launcher shows the demo (screenshot.png, $($bounds.Width)x$($bounds.Height))"
    } catch {
        Noted 'screenshot of the window' "not taken: $($_.Exception.Message)"
    }
    $noTray = Select-String -Path $windowLog -Pattern 'No tray icon|The tray refused the icon|No system tray on this desktop' | Select-Object -First 1
    if ($noTray) { Fail "the window got no tray icon: $($noTray.Line)" }
    Passed 'the window got its tray icon (no tray warning in the log)'
    # Closing the window only hides it to the tray, and the tray's Quit cannot be clicked from here.
    $window.Process.Kill($true)
    [void]$window.Process.WaitForExit(10000)
    Save-Output $window
    Copy-Item $windowLog (Join-Path $out 'window.log')

    Step "the portable zip: $($zip.Name)"
    $portable = Join-Path $scratch 'portable'
    Expand-Archive -Path $zip.FullName -DestinationPath $portable
    $portableCli = Join-Path $portable "$name\gpurm-cli.exe"
    if (-not (Test-Path $portableCli)) { Fail "the zip holds no $name\gpurm-cli.exe" }
    if (Test-Path (Join-Path $portable "$name\app\app.jsa")) { Fail 'the zip holds the build machine''s start-up archive' }
    $portableProfile = Join-Path $scratch 'portable-profile'
    $portableRun = Start-Logged $portableCli @('--headless', '--config', $config) 'portable' $portableProfile
    $portableInfo = Join-Path $portableProfile 'Local\GpuResourceManager\api.json'
    Wait-Until { (Test-Path $portableInfo) -and (Get-Item $portableInfo).Length -gt 0 } 60 'api.json of the portable app' $portableRun
    $portableApi = Get-Content -Raw $portableInfo | ConvertFrom-Json
    $portableHealth = Invoke-Http GET "$($portableApi.base_url)/health"
    if ($portableHealth.StatusCode -ne 200) { Fail "the portable app's /health answered $($portableHealth.StatusCode)" }
    [void](Stop-Cleanly $portableRun 'the portable app')
    Passed 'the portable zip, unzipped, runs headless and answers /health'

    Step 'uninstalling'
    Invoke-Msiexec "/x $($product.Code)" 'uninstall'
    if (@(Get-OurProducts).Count -gt 0) { Fail 'Windows Installer still lists the product after msiexec /x' }
    $shortcuts = Get-OurShortcuts
    if ($shortcuts) { Fail "shortcuts left behind: $($shortcuts -join ', ')" }
    if (Test-Path $install) {
        $left = @(Get-ChildItem -Recurse -Force -File $install | ForEach-Object { $_.FullName.Substring($install.Length + 1) })
        if ($left) { Fail "left behind in ${install}: $($left -join ', ')" }
        Noted 'the install folder' "removed files, but the empty folder $install stays"
    }
    Passed 'msiexec /x removes the product, its shortcuts and every file of the install folder'

    Step 'passed'
} finally {
    foreach ($run in $started) {
        if (-not $run.Process.HasExited) { try { $run.Process.Kill($true) } catch { } }
    }
    try {
        foreach ($leftover in @(Get-OurProducts)) {
            Write-Host "[smoke] cleaning up: uninstalling $($leftover.Code)"
            Start-Process -FilePath msiexec.exe -ArgumentList "/x $($leftover.Code) /qn /norestart" -Wait | Out-Null
        }
    } catch {
        Write-Host "[smoke] cleaning up: $($_.Exception.Message)"
    }
    $table = @("## Windows smoke test ($name $version)", '', '| check | result |', '|---|---|') + $summary
    Set-Content -Path (Join-Path $out 'summary.md') -Value $table
    if ($env:GITHUB_STEP_SUMMARY) { Add-Content -Path $env:GITHUB_STEP_SUMMARY -Value $table }
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
}
