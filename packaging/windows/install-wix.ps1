#Requires -Version 7.2
<#
.SYNOPSIS
Makes WiX Toolset 3 (candle.exe, light.exe), which JDK 17's jpackage needs to build the MSI, available.

.DESCRIPTION
Uses, in this order: a WiX 3 already on the PATH; one installed under Program Files (as on GitHub's hosted
Windows images); else it installs WiX 3.14.1 with Chocolatey. Prints the folder and light.exe's version; in
GitHub Actions the folder is added to the PATH of the steps that follow.

    pwsh packaging/windows/install-wix.ps1
#>
$ErrorActionPreference = 'Stop'
$pinned = '3.14.1'

function Find-Wix3 {
    $onPath = Get-Command light.exe -ErrorAction SilentlyContinue
    if ($onPath) { return Split-Path $onPath.Source }
    if ($env:WIX -and (Test-Path (Join-Path $env:WIX 'bin\light.exe'))) { return Join-Path $env:WIX 'bin' }
    foreach ($root in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if (-not $root) { continue }
        $bin = Get-ChildItem -Path $root -Directory -Filter 'WiX Toolset v3*' -ErrorAction SilentlyContinue |
            Sort-Object Name -Descending | ForEach-Object { Join-Path $_.FullName 'bin' } |
            Where-Object { Test-Path (Join-Path $_ 'light.exe') } | Select-Object -First 1
        if ($bin) { return $bin }
    }
    return $null
}

$bin = Find-Wix3
if (-not $bin) {
    if (-not (Get-Command choco -ErrorAction SilentlyContinue)) {
        throw "WiX 3 is not installed and Chocolatey is not there to install it: install WiX Toolset $pinned" +
            ' (https://github.com/wixtoolset/wix3/releases) and put its bin folder on the PATH'
    }
    choco install wixtoolset --version=$pinned --no-progress -y
    if ($LASTEXITCODE -ne 0) { throw "choco install wixtoolset --version=$pinned failed (exit $LASTEXITCODE)" }
    $bin = Find-Wix3
    if (-not $bin) { throw "WiX $pinned was installed but no light.exe was found under Program Files" }
}
$version = (Get-Item (Join-Path $bin 'light.exe')).VersionInfo.FileVersion
Write-Host "[wix] WiX 3 in $bin (light.exe $version)"
if ($version -notmatch '^3\.') { throw "light.exe in $bin is version $version, not WiX 3: jpackage 17 needs WiX 3" }
if ($env:GITHUB_PATH) { Add-Content -Path $env:GITHUB_PATH -Value $bin }
