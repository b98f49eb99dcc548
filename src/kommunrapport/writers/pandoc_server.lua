-- One long-lived pandoc for a whole build (run by writers/pandoc_engine.py as `pandoc lua`).
--
-- Each request is one line of JSON on stdin naming files in the engine's private working
-- folder (relative names, so the folder's own path never passes through Lua's C library);
-- the input is read and the output written by pandoc's own functions, byte for byte. The
-- answer is one line on stdout: "ok <CPU time in picoseconds>" or "error <message on one
-- line>".
--
--   {"read": "in.md", "from": "<markdown format>", "out": "out.json"}
--   {"write": "in.json", "to": "docx", "out": "out.bin", "options": {...},
--    "resources": ["<folder>", ...]}
--
-- "resources" are the folders images are looked up in, in order (pandoc's --resource-path).

local BINARY = { docx = true, odt = true, epub = true, pptx = true }

local function fetch_images(doc, folders)
  pandoc.mediabag.empty()
  local seen = {}
  doc:walk({
    Image = function(image)
      local src = image.src
      if seen[src] then
        return nil
      end
      seen[src] = true
      for _, folder in ipairs(folders) do
        local ok, mime, contents = pcall(function()
          return pandoc.system.with_working_directory(folder, function()
            return pandoc.mediabag.fetch(src)
          end)
        end)
        if ok and contents then
          pandoc.mediabag.insert(src, mime, contents)
          return nil
        end
      end
      return nil
    end,
  })
end

local function handle(request)
  if request.read then
    local text = pandoc.system.read_file(request.read)
    local doc = pandoc.read(text, request.from)
    pandoc.system.write_file(request.out, pandoc.write(doc, "json"))
  elseif request.write then
    local doc = pandoc.read(pandoc.system.read_file(request.write), "json")
    fetch_images(doc, request.resources or {})
    local options = pandoc.WriterOptions(request.options or {})
    local output = pandoc.write(doc, request.to, options)
    if not BINARY[request.to] and output:sub(-1) ~= "\n" then
      output = output .. "\n" -- as pandoc's command line ends text that is not standalone
    end
    pandoc.system.write_file(request.out, output)
    pandoc.mediabag.empty()
  else
    error("unknown request")
  end
end

for line in io.stdin:lines() do
  local started = pandoc.system.cputime()
  local ok, message = pcall(function()
    handle(pandoc.json.decode(line, false))
  end)
  if ok then
    -- the request's CPU time in picoseconds, for bench/profile_build.py
    io.stdout:write(string.format("ok %d\n", pandoc.system.cputime() - started))
  else
    io.stdout:write("error " .. tostring(message):gsub("[\r\n]+", " ") .. "\n")
  end
  io.stdout:flush()
end
