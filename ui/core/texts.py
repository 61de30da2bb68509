"""The page's words in English and Chinese, one table, following the browser's language.

Labels, buttons and fixed notes go to the browser as Gradio I18n keys (the browser picks the
language). Sentences the server writes while the page is used (the status line, the inputs'
notes, History's notices) are picked by the request's Accept-Language. The client's sentences a
visitor meets (refusals of inputs and prompts, notes on inputs) are read back into their texts
here (ui/core/client_words.py); a number typed into the editor is refused in the page's own words
(ui/core/controls.py number_refusal); rarer client messages stay in the client's English.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

TEXTS: dict[str, tuple[str, str]] = {
    "title": (
        "# Image Edit Playground\nEdit one image or fuse several with "
        "`qwen-image-2.0-pro` and `wan2.7-image-pro`.",
        "# 图像编辑试验场\n用 `qwen-image-2.0-pro` 和 `wan2.7-image-pro` "
        "编辑一张图片，或把几张图片融合成一张。",
    ),
    "banner_simulator": (
        "**Offline simulator.** No `POWERTOKENS_API_KEY` is set, so results come from the built-in "
        "simulator, not from the model: they are made from your inputs with the prompt written on "
        "them. Paste a key under *API key* to use the real models for your session.",
        "**离线模拟器。** 未设置 `POWERTOKENS_API_KEY`，结果来自内置模拟器而不是模型："
        "它用你的输入生成图片并写上提示词。"
        "在 *API 密钥* 中粘贴密钥，即可在本次会话中使用真实模型。",
    ),
    "banner_api": (
        "**Real models.** Runs go to the PowerTokens API with this app's key, and each image is "
        "billed. Paste your own key under *API key* to use yours for this session.",
        "**真实模型。** 运行会用本应用的密钥发送到 PowerTokens API，每张图片都会计费。"
        "在 *API 密钥* 中粘贴你自己的密钥，即可在本次会话中使用你的密钥。",
    ),
    "banner_key": (
        "**Your key.** Your runs go to the real models with the key you pasted (kept on the "
        "server for this session only, never stored). *Forget key* goes back to the app's backend.",
        "**你的密钥。** 你的运行会用你粘贴的密钥发送到真实模型（仅在本次会话中保存在服务器上，"
        "从不存储）。点击*忘记密钥*即回到本应用的后端。",
    ),
    "tab_edit": ("Edit", "编辑"),
    "tab_history": ("History", "历史"),
    "input_images": ("Input images", "输入图片"),
    "move_left": ("◀ Move left", "◀ 左移"),
    "move_right": ("Move right ▶", "右移 ▶"),
    "remove": ("✕ Remove", "✕ 移除"),
    "inputs_unreadable": (
        "Taken out of the inputs, as it is not an image that can be read (or the file is "
        "damaged): {names}. Export it again and add it back; your other inputs are kept.",
        "已从输入中移除无法读取的文件（不是图片，或文件已损坏）：{names}。"
        "请重新导出后再添加；其他输入保持不变。",
    ),
    "prompt": ("Prompt", "提示词"),
    "prompt_placeholder": (
        "Describe the edit, e.g. “make it a snowy evening”. Ctrl+Enter runs.",
        "描述要做的修改，例如“改成下雪的傍晚”。Ctrl+Enter 运行。",
    ),
    "run": ("Run", "运行"),
    "running": ("Running…", "运行中…"),
    "stop": ("■ Stop", "■ 停止"),
    "model": ("Model", "模型"),
    "custom_model": ("Custom model name", "自定义模型名"),
    "n": ("Results (n)", "结果数 (n)"),
    "negative_prompt": ("Negative prompt", "反向提示词"),
    "negative_placeholder": ("What to avoid (optional)", "要避免的内容（可选）"),
    "size": ("Size", "尺寸"),
    "width": ("Width (px)", "宽 (像素)"),
    "height": ("Height (px)", "高 (像素)"),
    "seed": ("Seed", "种子"),
    "seed_placeholder": (
        "random (0–2147483647 repeats a result)",
        "随机（填 0–2147483647 可重现结果）",
    ),
    "after_a_run": ("after a run", "运行后显示"),
    "randomize_seed": ("Randomize seed", "随机种子"),
    "reuse_seed": ("Reuse seed", "复用种子"),
    "key_panel": ("API key (use your own)", "API 密钥（使用你自己的）"),
    "key_box": ("API key (your own, for this session only)", "API 密钥（你自己的，仅本次会话）"),
    "use_key": ("Use key", "使用密钥"),
    "forget_key": ("Forget key", "忘记密钥"),
    "more_settings": ("More settings", "更多设置"),
    "watermark": ("Watermark", "水印"),
    "prompt_extend": ("Prompt extend", "提示词扩写"),
    "response_format": ("Response format", "返回格式"),
    "encoding": ("Request encoding", "请求编码"),
    "wire_format": ("Request shape", "请求结构"),
    "results": ("Results", "结果"),
    "use_as_input": ("Continue editing", "继续编辑"),
    "continue_no_result": (
        "This run made no picture, so there is nothing to continue from.",
        "这次运行没有生成图片，没有可以继续编辑的结果。",
    ),
    "add_to_inputs": ("Add to inputs", "加入输入"),
    # region boxes (ui/regions/parts.py, ui/regions/handlers.py)
    "region_panel": ("Region boxes", "区域框"),
    "region_image": ("Draw on", "画在"),
    "undo_box": ("Undo last box", "撤销上一个框"),
    "clear_boxes": ("Clear boxes on this image", "清除这张图片上的框"),
    "mark_boxes": ("Mark the boxes into a copy of this image", "把框画进这张图片的副本"),
    "regions_takes_boxes": (
        "Drag across the picture, or click two opposite corners on it, to draw a box; draw up "
        "to {max_boxes} on each input, and remove one with its ×. {model} receives them as "
        "`bbox_list`.",
        "在图片上拖动，或在图片上点击两个对角即可画一个框；每张输入图片最多可画 {max_boxes} 个，"
        "点框上的 × 可删除。{model} 会以 `bbox_list` 接收它们。",
    ),
    "regions_takes_marks": (
        "Drag across the picture, or click two opposite corners on it, to draw a box. {model} "
        "takes no boxes, but it follows visible marks: draw the boxes, then **Mark the boxes "
        "into a copy**. That copy, with red outlines, is what is sent, and the prompt gets a hint.",
        "在图片上拖动，或在图片上点击两个对角即可画一个框。{model} 不接收框，"
        "但会遵循图上可见的标记：先画框，"
        "再点击**把框画进这张图片的副本**。发送的就是这张带红框的副本，提示词中也会加上说明。",
    ),
    "regions_no_image": (
        "Add an input image, then draw boxes on it here.",
        "先添加输入图片，再在这里画框。",
    ),
    "regions_corner": (
        "First corner at ({x}, {y}): now click the opposite corner.",
        "第一个角在 ({x}, {y})：现在点击对角。",
    ),
    "regions_boxes": ("Boxes on image {image}: {boxes}", "图 {image} 上的框：{boxes}"),
    "regions_none": ("No box on image {image} yet.", "图 {image} 上还没有框。"),
    "regions_unreadable": (
        "The boxes written in bbox_list (More settings) are not one list per input image, so they "
        "are not drawn here: fix them there, or press Clear.",
        "bbox_list（更多设置）中写的框不是每张输入图片一个列表，因此这里不显示：请在那里修改，或点击清除。",
    ),
    "regions_too_small": (
        "That click was too close to the first corner at ({x}, {y}) to make a box: now click "
        "the opposite corner, farther away.",
        "这次点击离第一个角 ({x}, {y}) 太近了，构不成框：现在请点击离它更远的对角。",
    ),
    "regions_drag_small": (
        "That drag was too short to make a box: drag farther across the region.",
        "拖动的距离太短，构不成框：请拖过整个区域。",
    ),
    "regions_full": (
        "This image has {max} boxes, the most it can take: remove one with its × first.",
        "这张图片已有 {max} 个框，已达上限：请先点框上的 × 删除一个。",
    ),
    "regions_remove": ("Remove box {number}", "删除框 {number}"),
    "regions_keys": (
        "Picture to draw boxes on: arrow keys move the cross (Shift: farther), Enter sets a "
        "corner; two corners make a box.",
        "在此图片上画框：方向键移动十字（按住上档键移得更远），回车设定一个角；两个角构成一个框。",
    ),
    "regions_nothing_to_mark": (
        "Draw a box on image {image} first, then mark it into a copy.",
        "请先在图 {image} 上画框，再把它画进副本。",
    ),
    "boxes_hint_one": (
        "Edit only inside the red box in image {image}.",
        "只修改图 {image} 中红框内的部分。",
    ),
    "boxes_hint_many": (
        "Edit only inside the red boxes in image {image}.",
        "只修改图 {image} 中红框内的部分。",
    ),
    "boxes_refused": (
        "{problem} To point it at a region, open **Region boxes** and press **Mark the boxes "
        "into a copy of this image**: the picture then carries the boxes.",
        "{problem} 要让它只改某个区域，请打开**区域框**并点击**把框画进这张图片的副本**："
        "图片本身就带上了框。",
    ),
    "region_image_choice": ("Image {image}", "图 {image}"),
    "regions_marked": (
        "**Image {image} is a marked copy**: its red outlines are part of the picture and are "
        "sent with it, whichever the model. To send the picture without them, remove it and add "
        "the original again.",
        "**图 {image} 是标记过的副本**：红框已画进图片，无论哪个模型都会随图片一起发送。"
        "若要发送不带红框的图片，请移除它并重新添加原图。",
    ),
    "compare": (
        "Before / after (the input it was made from vs the selected result)",
        "前后对比（所用输入与选中的结果）",
    ),
    "used_seed": ("Seed used", "所用种子"),
    "revised_prompt": ("Revised prompt", "改写后的提示词"),
    "metadata": ("Raw metadata", "原始元数据"),
    "examples": ("Examples: click one to fill the editor", "示例：点击一个即可填入编辑器"),
    "search": ("Search prompts", "搜索提示词"),
    "search_placeholder": ("type to search", "输入即搜索"),
    "refresh": ("Refresh", "刷新"),
    "past_runs": ("Past runs", "历史运行"),
    "more": ("Load more", "加载更多"),
    "restore": ("Restore into editor", "恢复到编辑器"),
    "run_again": ("Run again", "再次运行"),
    "download": ("Download (.zip)", "下载 (.zip)"),
    "delete": ("Delete…", "删除…"),
    "confirm_question": (
        "**Delete this run for good?** Its images and links go too.",
        "**要永久删除这次运行吗？** 它的图片和链接也会一并删除。",
    ),
    "confirm_delete": ("Yes, delete it", "确认删除"),
    "keep": ("Keep it", "保留"),
    "confirm_question_line": (
        "**Delete this run for good?** Its images and links go too. {later} later runs grew "
        "from it: what happens to them?",
        "**要永久删除这次运行吗？** 它的图片和链接也会一并删除。"
        "有 {later} 次后续运行由它而来：它们怎么处理？",
    ),
    "delete_run_only": (
        "Delete this run only (its {later} later runs stay, the tree shows a gap)",
        "只删除这次运行（它的 {later} 次后续运行保留，树中显示空缺）",
    ),
    "delete_with_later": (
        "Delete it and its {later} later runs",
        "删除它及其 {later} 次后续运行",
    ),
    "confirm_question_line_one": (
        "**Delete this run for good?** Its images and links go too. A later run grew from it: "
        "what happens to it?",
        "**要永久删除这次运行吗？** 它的图片和链接也会一并删除。"
        "有 1 次后续运行由它而来：它怎么处理？",
    ),
    "delete_run_only_one": (
        "Delete this run only (its later run stays, the tree shows a gap)",
        "只删除这次运行（它的 1 次后续运行保留，树中显示空缺）",
    ),
    "delete_with_later_one": ("Delete it and its later run", "删除它及其 1 次后续运行"),
    "tree_shape": ("{runs} runs, {branches} branches", "{runs} 次运行，{branches} 个分支"),
    "tree_shape_one_branch": ("{runs} runs, 1 branch", "{runs} 次运行，1 个分支"),
    "detail_inputs": ("Inputs", "输入"),
    "detail_outputs": ("Results of this run", "本次运行的结果"),
    "parameters": ("Parameters", "参数"),
    "open_it": ("Open it", "打开"),
    "share": ("Share", "分享"),
    "share_link": (
        "New link: anyone who has it can open this run, read-only",
        "新链接：任何拿到它的人都能以只读方式打开这次运行",
    ),
    "share_links": ("Live links of this run", "这次运行的有效链接"),
    "share_links_info": (
        "Anyone with one of these can see the prompt, parameters, inputs and results, and copy "
        "them. Revoke ends the selected one at once.",
        "拿到其中任一链接的人都能看到提示词、参数、输入和结果，并可复制。撤销会立即让选中的链接失效。",
    ),
    "revoke": ("Revoke the selected link", "撤销选中的链接"),
    "shared_tab": ("Shared run", "分享的运行"),
    "open_in_editor": ("Open in my editor", "在我的编辑器中打开"),
    "results_short": ("Results", "结果"),
    "link_gone": ("This link was revoked or never existed.", "此链接已被撤销或从未存在。"),
    "revoked": (
        "Revoked: that link now shows nothing of this run.",
        "已撤销：该链接不再显示这次运行的任何内容。",
    ),
    "copied": ("Copied into your editor and your History.", "已复制到你的编辑器和你的历史中。"),
    # comparing models × seeds (ui/comparison/parts.py, ui/comparison/view.py)
    "grid_panel": ("Compare models × seeds", "对比模型 × 种子"),
    "grid_models": ("Models (the grid's rows)", "模型（网格的行）"),
    "grid_seeds": ("Seeds (the grid's columns)", "种子（网格的列）"),
    "grid_seeds_placeholder": (
        "one to four whole numbers, e.g. 1, 2, 3, 4",
        "一到四个整数，例如 1, 2, 3, 4",
    ),
    "grid_button": ("Compare", "对比"),
    "grid_intro": (
        "Runs the editor's inputs, prompt and settings with every model and every seed at once; "
        "each image is billed, and each cell is a run in History.",
        "用编辑器中的输入、提示词和设置，同时以每个模型和每个种子运行；每张图片都会计费，"
        "每个格子都是历史中的一次运行。",
    ),
    "grid_caption": ("Rows: model · columns: seed", "行：模型 · 列：种子"),
    "grid_corner": ("model ↓ · seed →", "模型 ↓ · 种子 →"),
    "grid_seed": ("seed {seed}", "种子 {seed}"),
    "grid_waiting": ("running…", "运行中…"),
    "grid_no_image": ("No image came back.", "没有返回图片。"),
    "grid_gone": ("Deleted from History since.", "之后已从历史中删除。"),
    "grid_failed": ("Failed: {error}", "失败：{error}"),
    "grid_progress": (
        "**Comparing** · {done} of {total} cells done",
        "**对比中** · 已完成 {done} / {total} 格",
    ),
    "grid_done": (
        "**{made} of {total} cells** made · each is a run in History",
        "**已完成 {made} / {total} 格** · 每格都是历史中的一次运行",
    ),
    "grid_part_of": (
        "This run is one cell of a comparison of models × seeds.",
        "这次运行是一次模型 × 种子对比中的一格。",
    ),
    "grid_open": ("Open the comparison", "打开这次对比"),
    "grid_open_picture": ("Open the whole picture in a new tab", "在新标签页中打开完整图片"),
    "grid_seeds_hint": ("Type one to four seeds, e.g. 1, 2", "输入一到四个种子，例如 1, 2"),
    "grid_no_seeds": (
        "Give the seeds to compare: up to {most} whole numbers from 0 to {top}, e.g. 1, 2.",
        "请填写要对比的种子：最多 {most} 个 0 到 {top} 之间的整数，例如 1, 2。",
    ),
    "grid_not_a_seed": (
        "{word} is not a seed: seeds are whole numbers from 0 to {top}.",
        "{word} 不是种子：种子是 0 到 {top} 之间的整数。",
    ),
    "grid_too_many_seeds": (
        "{count} seeds given: compare up to {most}.",
        "填了 {count} 个种子：最多对比 {most} 个。",
    ),
    "grid_seed_twice": (
        "Seed {value} is given twice: each seed makes the same picture again.",
        "种子 {value} 填了两次：同一个种子会再生成一样的图片。",
    ),
    "grid_no_models": (
        "Pick the models to compare: up to {most} of {known}.",
        "请选择要对比的模型：最多 {most} 个，可选 {known}。",
    ),
    "grid_too_many_models": (
        "{count} models given: compare up to {most}, e.g. {known}.",
        "填了 {count} 个模型：最多对比 {most} 个，例如 {known}。",
    ),
    "grid_model_twice": (
        "{value} is given twice: each model once.",
        "{value} 填了两次：每个模型只需一次。",
    ),
    "grid_refused": ("Nothing was sent. {reasons}", "没有发送任何请求。{reasons}"),
    "grid_untick": (
        "Untick {models} to compare the others.",
        "取消勾选 {models} 即可对比其余模型。",
    ),
    "grid_plan_refused": ("⚠ {problem}", "⚠ {problem}"),
    "grid_busy": (
        "your run is still going: wait for it, or press Stop.",
        "你的运行仍在进行：请等待它完成，或按“停止”。",
    ),
    "grid_stopping": (
        "■ **Stopping.** Cells not sent yet will not be sent; what the service already works on "
        "is still kept, marked stopped.",
        "■ **正在停止。** 尚未发送的格子不会再发送；服务已在处理的仍会保留，并标为已停止。",
    ),
    "grid_stopped_cell": (
        "Stopped before it was sent: nothing was billed.",
        "发送前已停止：没有计费。",
    ),
    "grid_not_sent": (
        " · ■ Stopped: {count} not sent, nothing billed for them",
        " · ■ 已停止：{count} 格未发送，不计费",
    ),
    "grid_not_a_cell": (
        "That run is not part of a comparison in your history.",
        "这次运行不属于你历史中的任何对比。",
    ),
    # sentences the server writes
    "ready": (
        "Add an image, describe the edit and press **Run** — or start from an example below.",
        "添加图片、描述修改，然后点击**运行**——或者从下面的示例开始。",
    ),
    "not_run": ("⚠ **Not run.** {problem}", "⚠ **未运行。** {problem}"),
    # a number typed into the editor, refused (ui/core/controls.py number_refusal)
    "n_refused": (
        "Results (n) is {value}: {model} makes {low} to {high} results at once. Type a whole "
        "number from {low} to {high}.",
        "结果数 (n) 为 {value}：{model} 一次生成 {low} 到 {high} 张。请填写 {low} 到 {high} "
        "之间的整数。",
    ),
    "seed_refused": (
        "The seed is {value}: a seed is a whole number from 0 to {top}. Type one, or leave it "
        "empty for a random one.",
        "种子为 {value}：种子是 0 到 {top} 之间的整数。请填写一个，或留空以随机生成。",
    ),
    "size_refused": (
        "The size is {width} × {height}: width and height are whole numbers of pixels, "
        "W×H between {low}×{low} and {high}×{high} pixels in total, e.g. 1280 and 720.",
        "尺寸为 {width} × {height}：宽和高是像素整数，宽×高总计在 {low}×{low} 到 "
        "{high}×{high} 像素之间，例如 1280 和 720。",
    ),
    "empty_value": ("empty", "空"),
    "starting": ("Starting…", "正在开始…"),
    "waiting": (
        "**Waiting for a free slot** · {seconds} s. This app sends at most {slots} at once and "
        "every slot is taken{yours}. Yours goes as soon as one frees; Stop now and nothing is "
        "sent.",
        "**正在等待空闲位置** · {seconds} 秒。本应用同时最多发送 {slots} 个请求，目前都已占用"
        "{yours}。一有空位就发送你的请求；现在停止则不会发送任何内容。",
    ),
    "waiting_rate": (
        "**Waiting for the service's rate limit**: about {seconds} s{why}. Yours goes at its "
        "turn; Stop now and nothing is sent.",
        "**正在等待服务的速率限制**：约 {seconds} 秒{why}。轮到你时即发送；现在停止则不会发送"
        "任何内容。",
    ),
    "rate_limit_is": (
        " · the service takes at most {limit} {model} requests a minute",
        " · 该服务每分钟最多接受 {limit} 个 {model} 请求",
    ),
    "waiting_yours": (
        ", {mine} by your earlier runs still at the service",
        "，其中 {mine} 个是你之前仍在服务端处理的运行",
    ),
    "running_status": (
        "**Running** · {seconds} s{usual}. Stop keeps what comes back.",
        "**运行中** · {seconds} 秒{usual}。停止后，服务返回的结果仍会保留。",
    ),
    "usually": (" · {model} usually takes about {typical} s", " · {model} 通常约需 {typical} 秒"),
    "stopped": (
        "■ **Stopped.** If the service had already started, its answer is still kept: it "
        "appears in History, marked stopped.",
        "■ **已停止。** 如果服务已经开始，它返回的结果仍会保留，并在历史中标为已停止。",
    ),
    # usage: images made and their estimated cost (ui/core/usage.py)
    "image_count": ("{count} images", "{count} 张图片"),
    "one_image": ("1 image", "1 张图片"),
    "run_count": ("{count} runs", "{count} 次运行"),
    "one_run": ("1 run", "1 次运行"),
    "cost_about": (" (≈ {amount})", "（约 {amount}）"),
    "cost_at_least": (
        " (≥ {amount}; no price set for {models})",
        "（≥ {amount}；{models} 未设价格）",
    ),
    "cost_unknown": (
        " (cost unknown: no price set for {models})",
        "（费用未知：{models} 未设价格）",
    ),
    "plan": ("Will make {images}{cost}", "将生成 {images}{cost}"),
    "unnamed_model": ("the custom model", "自定义模型"),
    "usage_status": (
        "**Usage** · {this} {run} · this session {session} · {whose} {history}",
        "**用量** · {this} {run} · 本次会话 {session} · {whose} {history}",
    ),
    "this_run": ("this run", "本次运行"),
    "busy": (
        "your comparison is still going: wait for it, or press Stop.",
        "你的对比仍在进行：请等待它完成，或按“停止”。",
    ),
    "this_comparison": ("this comparison", "本次对比"),
    "too_many_in_flight": (
        "You already have {in_flight} requests queued or running, and this asks for {asked} "
        "more: each visitor may have at most {most} at once. Nothing was sent; wait for yours "
        "to finish, then try again.",
        "你已有 {in_flight} 个请求在排队或运行，这次还要 {asked} 个：每位访客同时最多 {most} 个。"
        "没有发送任何请求；请等你的请求完成后再试。",
    ),
    "your_history": ("your history", "你的历史"),
    "everyones_history": ("everyone's history", "所有人的历史"),
    "history_usage": (
        "**{whose}:** {images} in {runs}{cost}{models}",
        "**{whose}：** {runs}，{images}{cost}{models}",
    ),
    "at_prices": (" at the configured prices", "，按设定的价格估算"),
    "limits": (
        "{name}: {min_images}–{max_images} input images, n up to {max_n}. Files up to {upload} MB; "
        "photos over {max_side} px a side or {max_mb} MB are scaled down and re-encoded to fit.",
        "{name}：{min_images}–{max_images} 张输入图片，n 最多 {max_n}。文件最大 {upload} MB；"
        "边长超过 {max_side} 像素或大于 {max_mb} MB 的照片会被缩小并重新编码。",
    ),
    "no_runs": (
        "No runs yet. Every edit you run appears here as soon as it finishes, and stays after a "
        "reload or a restart.",
        "还没有运行记录。每次编辑完成后都会立即出现在这里，刷新或重启后依然保留。",
    ),
    "no_match": ("No run matches “{search}”.", "没有与“{search}”匹配的运行。"),
    # what History says of a run it cannot act on (ui/history/handlers.py)
    "thread_title": ("This thread", "当前编辑线"),
    "thread_note": (
        "the turns that led to input 1; click one to go back to it (the next run then starts a "
        "branch)",
        "通向输入 1 的各次编辑；点击任意一步即可回到那里（下一次运行会由此开出新分支）",
    ),
    "tree_title": ("Edit tree", "编辑树"),
    "tree_note": (
        "{runs} runs grown from one picture; click one to open it",
        "从同一张图片发展出的 {runs} 次运行；点击任意一个即可打开",
    ),
    "tree_gap": ("a deleted run", "已删除的运行"),
    "tree_opened": ("the run opened below", "下方打开的运行"),
    "replay_title": ("Replay this line on another model or seed", "在其他模型或种子上重放这条路线"),
    "replay_same_models": ("Each step's own model", "每一步原来的模型"),
    "replay_model": ("Model", "模型"),
    "replay_seed": (
        "Seed for every step (empty: a new one each)",
        "每一步的种子（留空：每步随机）",
    ),
    "replay_line": ("Replay this line", "重放这条路线"),
    "replay_confirm": ("Send the replay", "发送重放"),
    "replay_cancel": ("Cancel", "取消"),
    "replay_stop": ("■ Stop the replay", "■ 停止重放"),
    "replay_ask": (
        "Replaying sends {steps} requests, one after the other, and makes up to {cost}. Send it?",
        "重放会依次发送 {steps} 个请求，最多生成 {cost}。要发送吗？",
    ),
    "replay_going": (
        "Replaying: {done} of {steps} steps done…",
        "正在重放：已完成 {done}/{steps} 步…",
    ),
    "replay_done": (
        "Replayed all {steps} steps: a new branch of the tree.",
        "已重放全部 {steps} 步：树上多了一条新分支。",
    ),
    "replay_failed": (
        "The replay stopped at step {step} of {steps}: {error} The steps before it are kept.",
        "重放在第 {step}/{steps} 步停止：{error} 之前的步骤已保留。",
    ),
    "replay_stopped": (
        "Replay stopped after {done} of {steps} steps; nothing more is sent (a step already "
        "sent is kept in History).",
        "重放已在第 {done}/{steps} 步后停止；不会再发送（已发送的一步会保留在历史中）。",
    ),
    "replay_busy": (
        "This page is already running something; wait for it or stop it first.",
        "此页面已有任务在运行；请等待它结束或先停止它。",
    ),
    "replay_refused": ("Not sent: {error}", "未发送：{error}"),
    "run_gone": (
        "⚠ **This run is no longer in your history:** it was deleted, perhaps in another tab or "
        "window. The list above shows the runs that are left.",
        "⚠ **这次运行已不在你的历史中：** 它已被删除，可能是在另一个标签页或窗口中删除的。"
        "上面的列表显示的是剩下的运行。",
    ),
    "not_in_history": ("That run is not in your history.", "这次运行不在你的历史中。"),
    "delete_refused": (
        "Only your own runs can be deleted, and this one is not (or no longer) there.",
        "只能删除你自己的运行，而这次运行不是你的（或已不存在）。",
    ),
    "delete_not_yours": (
        "⚠ **Only your own runs can be deleted:** this one was made by someone else, so it stays.",
        "⚠ **只能删除你自己的运行：** 这次运行是别人的，因此会保留。",
    ),
    "finished_gone": (
        "That run is no longer in your history.",
        "这次运行已不在你的历史中。",
    ),
    "status_done": ("done", "完成"),
    "status_partial": ("partial", "部分完成"),
    "status_failed": ("FAILED", "失败"),
    "status_stopped": ("stopped", "已停止"),
    "no_model_runs": ("No run of {model} yet.", "还没有 {model} 的运行。"),
    "still_going": (
        "Your run “{prompt}” is still going on the server…",
        "你的运行“{prompt}”仍在服务器上进行…",
    ),
    "finished_away": (
        "✓ Your run “{prompt}” finished while the page was away.",
        "✓ 你的运行“{prompt}”在页面离开期间已完成。",
    ),
    # the run journal (history/journal.py, history/spool.py)
    "status_sending": ("sending…", "发送中…"),
    "status_interrupted": (
        "interrupted: the service may have billed it",
        "已中断：服务可能已计费",
    ),
    "sending_detail": (
        "**Sending.** This run is at the service now; its answer appears here when it comes back.",
        "**发送中。** 这次运行正在服务端进行；结果返回后会显示在这里。",
    ),
    "interrupted_detail": (
        "**Interrupted: the service may have billed it.** The app stopped while this run was at "
        "the service, so its answer was lost. Its inputs and parameters are kept: *Restore* puts "
        "them back in the editor to run it again.",
        "**已中断：服务可能已计费。** 这次运行在服务端进行时应用停止了，结果因此丢失。"
        "它的输入和参数已保留：点击*恢复*即可放回编辑器，再运行一次。",
    ),
    "spooled": (
        "⚠ **Saved locally; will be added to History when the database is back.** The run "
        "history could not be written just now, so this answer is kept on this server until it "
        "can be.",
        "⚠ **已保存在本地；数据库恢复后会加入历史。** 运行历史暂时无法写入，"
        "这次的结果先保存在本服务器上，直到可以写入为止。",
    ),
    "not_journalled": (
        "The run history cannot be written right now, so the run was not sent and nothing was "
        "billed. Try again in a minute; if it goes on, the app's database or disk needs attention.",
        "运行历史暂时无法写入，因此这次运行没有发送，也没有计费。请一分钟后再试；"
        "如果一直如此，需要检查应用的数据库或磁盘。",
    ),
    "deleted_while_sending": (
        "You deleted this run while it was being made, so its answer was not kept.",
        "这次运行在生成过程中被你删除了，因此没有保留它的结果。",
    ),
    "tokens_title": ("API tokens", "API 令牌"),
    "tokens_intro": (
        "A personal token lets your scripts, notebooks and agents act as you, through this app: "
        "they send `Authorization: Bearer <token>` and their runs land in this History. The "
        "app's own service key never leaves the server. A token is shown once; keep it like a "
        "password and revoke it when it is no longer needed.",
        "个人令牌让你的脚本、笔记本和智能体通过本应用以你的身份操作：它们发送 "
        "`Authorization: Bearer <令牌>`，运行记录进入这里的历史。应用自己的服务密钥不会离开服务器。"
        "令牌只显示一次；请像密码一样保管，不再需要时撤销。",
    ),
    "token_name": ("Name of a new token", "新令牌的名称"),
    "token_name_placeholder": ("e.g. my notebook", "例如：我的笔记本"),
    "token_create": ("Create token", "创建令牌"),
    "token_new": ("Your new token", "你的新令牌"),
    "token_new_info": (
        "Copy it now: it is not shown again.",
        "请立即复制：它不会再次显示。",
    ),
    "token_list": ("Your tokens", "你的令牌"),
    "token_list_info": (
        "By name and the date each was made. Revoke ends the selected one at once.",
        "按名称和创建时间列出。撤销会立即让选中的令牌失效。",
    ),
    "token_revoke": ("Revoke the selected token", "撤销选中的令牌"),
    "token_made": ("made {when}", "创建于 {when}"),
    "token_revoked": (
        "Revoked: that token no longer opens anything.",
        "已撤销：该令牌已不能再使用。",
    ),
    "token_not_found": (
        "You have no token of that name (or it was already revoked).",
        "你没有这个名称的令牌（或它已被撤销）。",
    ),
    "token_empty_name": (
        "Give the token a name first, so you can tell it apart later.",
        "请先给令牌起个名字，以便日后区分。",
    ),
    "token_name_too_long": (
        "That name is too long: use at most {most} characters.",
        "名称太长：最多 {most} 个字符。",
    ),
    "token_name_taken": (
        "You already have a token of that name: pick another name, or revoke that one first.",
        "你已有同名的令牌：请换一个名称，或先撤销那个令牌。",
    ),
    "token_too_many": (
        "You have {most} tokens, the most one person may hold: revoke one you no longer use.",
        "你已有 {most} 个令牌，已达上限：请撤销一个不再使用的令牌。",
    ),
    # wording and defaults (issue 22 item 8): the plan, the seed, the prompt switch, History
    "plan_bad_n": (
        "Results (n) must be a whole number from {low} to {high}: nothing will be made yet.",
        "结果数 (n) 须为 {low} 到 {high} 之间的整数：暂不会生成图片。",
    ),
    "new_seed": ("🎲 New seed", "🎲 新种子"),
    "run_again_new_seed": ("Run again with a new seed", "换个种子再次运行"),
    "prompt_extend_switch": ("Let the model rewrite my prompt", "让模型改写我的提示词"),
    "prompt_extend_info": (
        "prompt_extend: the service expands a short prompt before it edits; off sends the prompt "
        "word for word.",
        "prompt_extend：服务会先扩写简短的提示词再编辑；关闭则逐字发送提示词。",
    ),
    # the status line after a run (ui/editor/handlers.py outcome_markdown)
    "made": (
        "**{made}** in {seconds} s · seed `{seed}`",
        "**{made}**，用时 {seconds} 秒 · 种子 `{seed}`",
    ),
    "images_of": ("{got} of {n} images", "{n} 张中生成了 {got} 张"),
    "run_failed": ("**Run failed.** {error}", "**运行失败。** {error}"),
    "stopped_kept": (
        "**Stopped.** The service had the request already; its answer is kept.",
        "**已停止。** 服务已收到请求；它返回的结果会保留。",
    ),
    "request_id": ("Request id: `{request_id}`", "请求 ID：`{request_id}`"),
    "simulator_made": (
        "_Made by the offline simulator, not the model._",
        "_由离线模拟器生成，不是模型生成的。_",
    ),
    "prompt_counter": ("{count} / {limit} characters{mark}", "{count} / {limit} 个字符{mark}"),
    "over_limit": (" — over the limit", " — 超出上限"),
    "image_caption": ("Image {position}", "图 {position}"),
    "image_caption_marked": ("Image {position} (marked)", "图 {position}（已标记）"),
    "custom_model_limits": ("Custom model", "自定义模型"),
    "custom_model_choice": ("Custom model name…", "自定义模型名…"),
    "match_input_choice": ("Match the last input's aspect", "跟随最后一张输入图片的宽高比"),
    "custom_size_choice": ("Custom width × height", "自定义宽 × 高"),
    "n_short": ("n", "n"),
    "all_models": ("All models", "全部模型"),
    "key_app": ("Using the app's backend.", "正在使用本应用的后端。"),
    "key_set": (
        "Your key is set for this session (kept on the server only).",
        "你的密钥已在本次会话中生效（只保存在服务器上）。",
    ),
    "key_forgotten": (
        "Key forgotten; using the app's backend.",
        "已忘记密钥；正在使用本应用的后端。",
    ),
    "reuse_seed_first": (
        "Run an edit first: its seed can then be reused.",
        "请先运行一次编辑，之后才能复用它的种子。",
    ),
    "pick_input_to_move": (
        "Click an input image first, then move it.",
        "请先点击一张输入图片，再移动它。",
    ),
    "pick_input_to_remove": (
        "Click the input image to remove first.",
        "请先点击要移除的输入图片。",
    ),
    "run_first_to_use": (
        "Run an edit first, then pick a result to use.",
        "请先运行一次编辑，再选一张结果来使用。",
    ),
    "run_first_to_add": (
        "Run an edit first, then pick a result to add.",
        "请先运行一次编辑，再选一张结果来加入。",
    ),
    "remove_one_first": ("{problem} Remove one first.", "{problem} 请先移除一张。"),
    # an opened run in words (ui/core/run_words.py detail_markdown)
    "detail_by": (" · by {owner}", " · 来自 {owner}"),
    "detail_prompt": ("**Prompt:** {prompt}", "**提示词：** {prompt}"),
    "detail_negative": ("**Negative prompt:** {prompt}", "**反向提示词：** {prompt}"),
    "detail_revised": ("**Revised prompt:** {prompt}", "**改写后的提示词：** {prompt}"),
    "detail_numbers": (
        "Seed `{seed}` · {made} · {timing}",
        "种子 `{seed}` · {made} · {timing}",
    ),
    "detail_seconds": ("{seconds} s", "{seconds} 秒"),
    "detail_unknown_time": ("time unknown", "用时未知"),
    "detail_request": (" · request `{request_id}`", " · 请求 `{request_id}`"),
    "detail_error": ("**Error:** {error}", "**错误：** {error}"),
    "status_ok": ("OK", "成功"),
    "backend_simulator": ("simulator", "离线模拟器"),
    # links to one run (ui/share/handlers.py)
    "shared_intro": (
        "*A run shared with you, read-only.* **Open in my editor** puts its inputs and parameters "
        "into your editor and keeps a copy in your own History.",
        "*别人分享给你的一次运行，只读。* **在我的编辑器中打开**会把它的输入和参数放进你的编辑器，"
        "并在你自己的历史中保留一份副本。",
    ),
    "share_not_yours": (
        "Only your own runs can be shared, and this one is not (or no longer) there.",
        "只能分享你自己的运行，而这次运行不是你的（或已不存在）。",
    ),
    "revoke_not_yours": (
        "Only your own runs' links can be revoked, and this one is not (or no longer) live.",
        "只能撤销你自己运行的链接，而这个链接不是（或已不再）有效。",
    ),
    "link_made": ("{link} · made {when}", "{link} · 创建于 {when}"),
    "backend_api": ("api", "API"),
    "status_error": ("FAILED", "失败"),
    # the client's refusals and notes, worded for the page (ui/core/run_words.py translated): the
    # English half is the client's own sentence, which the page reads back into its values
    "client_image": ("Image {index}: {reason}", "图 {index}：{reason}"),
    "client_unreadable": (
        "this file is not an image Pillow can read (JPEG, PNG, WebP, BMP, TIFF or GIF).",
        "这个文件不是可以读取的图片（可用 JPEG、PNG、WebP、BMP、TIFF 或 GIF）。",
    ),
    "client_truncated": (
        "the file is truncated or damaged; export it again.",
        "文件不完整或已损坏；请重新导出。",
    ),
    "client_too_small": (
        "it is {width}x{height} pixels; {model} needs at least {side} pixels on each side.",
        "它是 {width}x{height} 像素；{model} 要求每边至少 {side} 像素。",
    ),
    "client_aspect": (
        "its aspect ratio ({width}x{height}) is beyond {model}'s limit of 1:{ratio}; crop it "
        "first.",
        "它的宽高比（{width}x{height}）超出了 {model} 的上限 1:{ratio}；请先裁剪。",
    ),
    "client_bomb": (
        "it is larger than {megapixels} megapixels and is refused as a possible decompression "
        "bomb; resize it before uploading.",
        "它超过 {megapixels} 百万像素，可能是解压炸弹，因此被拒绝；请先缩小再上传。",
    ),
    "client_cannot_shrink": (
        "it cannot be made smaller than {mb} MB while keeping {side} pixels a side.",
        "无法在保持每边 {side} 像素的同时把它压到 {mb} MB 以下。",
    ),
    "client_no_file": ("no such file: {name}.", "找不到文件：{name}。"),
    "upload_gone": (
        "it is no longer on the server: it went with a run deleted from History. Remove it and "
        "add the picture again.",
        "它已不在服务器上：随历史中删除的一次运行一起删除了。请移除它，再重新添加这张图片。",
    ),
    "upload_too_large": (
        "it is {size} MB; files up to {limit} MB are taken. Save it as a JPEG or scale it down "
        "first.",
        "它有 {size} MB；只接受最大 {limit} MB 的文件。请先另存为 JPEG 或缩小。",
    ),
    "client_prompt_empty": ("The prompt is empty.", "提示词为空。"),
    "client_prompt_long": (
        "The prompt has {count} characters; the limit is {limit}.",
        "提示词有 {count} 个字符；上限是 {limit}。",
    ),
    "client_negative_long": (
        "The negative_prompt has {count} characters; the limit is {limit}.",
        "反向提示词有 {count} 个字符；上限是 {limit}。",
    ),
    "client_image_count": (
        "{model} takes {low} to {high} input images; got {count}.",
        "{model} 接收 {low} 到 {high} 张输入图片；当前为 {count} 张。",
    ),
    "client_custom_name": ("Type the custom model's name.", "请填写自定义模型的名字。"),
    "client_prepared": (
        "Image {index} was {changes} to fit {model}'s limits.",
        "图 {index} 已{changes}，以符合 {model} 的限制。",
    ),
    "client_downscaled": (
        "downscaled from {width}x{height} to {new_width}x{new_height}",
        "从 {width}x{height} 缩小到 {new_width}x{new_height}",
    ),
    "client_first_frame": ("reduced to its first frame", "只保留第一帧"),
    "client_reencoded": ("re-encoded as {format}", "重新编码为 {format}"),
    "client_and": ("{first} and {last}", "{first}，并{last}"),
    "over_budget": (
        "This asks for {asked} images, and only {left} of your {limit} images a day are left"
        " today, so nothing was sent. The day resets at 00:00 UTC (in {hours} h {minutes} min).",
        "这次要生成 {asked} 张图片，而你每天 {limit} 张的额度今天只剩 {left} 张，所以没有发送。"
        "额度在协调世界时 00:00 重置（还有 {hours} 小时 {minutes} 分钟）。",
    ),
    "over_budget_model": (
        "This asks for {asked} images of {model}, and only {left} of your {limit} {model}"
        " images a day are left today, so nothing was sent. The day resets at 00:00 UTC"
        " (in {hours} h {minutes} min).",
        "这次要生成 {asked} 张 {model} 图片，而你每天 {limit} 张 {model} 的额度今天只剩"
        " {left} 张，所以没有发送。额度在协调世界时 00:00 重置"
        "（还有 {hours} 小时 {minutes} 分钟）。",
    ),
    "budget_left": (
        "{left} of {limit} images left today (resets at 00:00 UTC, in {hours} h {minutes} min)",
        "今日还剩 {left}/{limit} 张图片（协调世界时 00:00 重置，还有 {hours} 小时 {minutes} 分钟）",
    ),
    "budget_left_model": (
        "{left} of {limit} {model} images left today (resets at 00:00 UTC, in {hours} h"
        " {minutes} min)",
        "今日 {model} 还剩 {left}/{limit} 张图片"
        "（协调世界时 00:00 重置，还有 {hours} 小时 {minutes} 分钟）",
    ),
    "budget_use_title": ("Use today (UTC {day}), everyone", "今日用量（协调世界时 {day}），所有人"),
    "budget_use_person": ("Person", "用户"),
    "budget_use_model": ("Model", "模型"),
    "budget_use_images": ("Images", "图片"),
    "budget_use_runs": ("Runs", "运行"),
    "budget_use_cost": ("Cost", "费用"),
    "budget_use_none": ("No images made today yet.", "今天还没有生成图片。"),
    "budget_use_visitor": ("visitor {id}", "访客 {id}"),
    "server_restarting": (
        "This server is restarting, so it takes no new run: nothing was sent or billed. "
        "Try again in a moment.",
        "服务器正在重启，暂不接受新的运行：没有发送任何请求，也没有计费。请稍后再试。",
    ),
    "server_restarting_page": (
        "This server is restarting. Try again in a moment.",
        "服务器正在重启。请稍后再试。",
    ),
    # Batch: one edit over many images (ui/batch/)
    "batch_panel": ("Batch: one edit over many images", "批量：把同一个编辑用在多张图片上"),
    "batch_intro": (
        "The editor's prompt and settings, applied to each image on its own (up to 200 "
        "pictures, or a zip of them). Each image is a run in History, grouped under one batch.",
        "使用编辑器的提示词和设置，逐张处理每张图片（最多 200 张图片，或它们的 .zip 压缩包）。"
        "每张图片都是历史中的一次运行，归在同一个批次下。",
    ),
    "batch_files": ("Images or a zip", "图片或 .zip 压缩包"),
    "batch_extras": (
        "Shared extra inputs (optional, after each image)",
        "共享的额外输入（可选，放在每张图片之后）",
    ),
    "batch_button": ("Batch…", "批量…"),
    "batch_send": ("Send", "发送"),
    "batch_cancel": ("Cancel", "取消"),
    "batch_retry": ("Retry the failed", "重试失败的"),
    "batch_download": (
        "Everything, with a CSV of what was done",
        "全部文件，附完成情况表（.csv）",
    ),
    "batch_col_name": ("Image", "图片"),
    "batch_col_input": ("Input", "输入"),
    "batch_col_result": ("Result", "结果"),
    "batch_waiting_cell": ("waiting…", "等待中…"),
    "batch_not_sent_cell": ("not sent (stopped)", "未发送（已停止）"),
    "batch_plan": (
        "Will send **{requests} requests** for {images}.",
        "将发送 **{requests} 个请求**，共 {images}。",
    ),
    "batch_confirm": ("{plan}\n\n**Send them?**", "{plan}\n\n**确定发送吗？**"),
    "batch_refused": ("⚠ **Not sent.** {problem}", "⚠ **未发送。** {problem}"),
    "batch_no_images": (
        "Give the pictures to edit, or a zip of them.",
        "请提供要编辑的图片，或它们的 .zip 压缩包。",
    ),
    "batch_too_many": (
        "{count} images given; a batch takes at most {most}.",
        "提供了 {count} 张图片；一个批次最多 {most} 张。",
    ),
    "batch_not_a_picture": (
        "it is not a picture, or it is damaged.",
        "它不是图片，或已损坏。",
    ),
    "batch_left_out": ("Left out {name}: {reason}", "已略过 {name}：{reason}"),
    "batch_over_budget": (
        "This batch would make {images} images, over your budget of {budget}. Nothing was sent.",
        "这个批次会生成 {images} 张图片，超过你的预算 {budget} 张。什么都没有发送。",
    ),
    "batch_bad_budget": (
        "budget must be a whole number of images; got {budget}. Nothing was sent.",
        "`budget` 必须是图片张数（整数）；收到的是 {budget}。什么都没有发送。",
    ),
    "batch_busy": (
        "a batch or run of yours is still going: wait for it, or press Stop.",
        "你的批次或运行仍在进行：请等待它完成，或按“停止”。",
    ),
    "batch_progress": (
        "**Batch** · {done} done, {failed} failed, {left} left of {total}",
        "**批量处理中** · 已完成 {done}，失败 {failed}，剩余 {left}，共 {total}",
    ),
    "batch_eta": (" · about {seconds} s left", " · 约剩 {seconds} 秒"),
    "batch_stopping": (
        "**Stopping** · nothing more is sent; what was sent is kept.",
        "**正在停止** · 不再发送；已发送的会保留。",
    ),
    "batch_none_going": ("No batch of yours is going.", "你没有正在进行的批次。"),
    "batch_summary": (
        "**{done} of {total} done** · {failed} failed · {not_sent} not sent · {left} left",
        "**已完成 {done} / {total}** · 失败 {failed} · 未发送 {not_sent} · 剩余 {left}",
    ),
    "batch_item_failed": ("- {name} failed: {error}", "- {name} 失败：{error}"),
    "batch_not_retried": (
        "- {name} is not retried: {why}",
        "- {name} 不会重试：{why}",
    ),
    "batch_retry_billed": (
        "the service may have run (and billed) it; check it in History before running it again",
        "服务可能已经处理（并计费）；再次运行前请先在历史中查看",
    ),
    "batch_retry_unexpected": (
        "it failed in an unexpected way after it was recorded, so it may have been sent",
        "它在记录后意外失败，可能已经发送",
    ),
    "batch_nothing_to_retry": (
        "No failed image can be sent again safely.",
        "没有可以安全重新发送的失败图片。",
    ),
    "batch_part_of": (
        "This run is one image of a batch.",
        "这次运行是一个批次中的一张图片。",
    ),
    "batch_open": ("Open the batch", "打开这个批次"),
    "batch_not_an_item": (
        "This run is no image of a batch of yours.",
        "这次运行不属于你的任何批次。",
    ),
    "batch_unknown": (
        "No such batch of yours here (a batch is kept while this server runs).",
        "这里没有你的这个批次（批次只在本服务器运行期间保留）。",
    ),
    # team presets (issue 25 item 2)
    "presets_title": ("Presets", "预设"),
    "preset_pick": ("Preset", "预设"),
    "preset_fill": ("Fill the editor", "填入编辑器"),
    "preset_name": ("Save the editor as a preset named", "把编辑器保存为预设，名称"),
    "preset_name_placeholder": ("e.g. product on white", "例如：白底产品图"),
    "preset_team": ("Team: everyone sees it", "团队：所有人可见"),
    "preset_save": ("Save as preset", "保存为预设"),
    "preset_delete": ("Delete this preset", "删除此预设"),
    "preset_export": ("Export JSON", "导出 JSON"),
    "preset_import": ("Import a presets file (JSON)", "导入预设文件 (JSON)"),
    "preset_file": ("Presets file", "预设文件"),
    "preset_by_examples": ("built-in example", "内置示例"),
    "preset_by_you": ("you", "你"),
    "preset_by_visitor": ("visitor {mark}", "访客 {mark}"),
    "preset_team_mark": ("team", "团队"),
    "preset_private_mark": ("only you", "仅自己可见"),
    "preset_about": (
        "Made by **{maker}** ({whose}). Prompt: *{template}*  \nSettings: {settings}",
        "创建者：**{maker}**（{whose}）。提示词：*{template}*  \n设置：{settings}",
    ),
    "preset_pick_first": ("Pick a preset first.", "请先选择一个预设。"),
    "preset_filled": (
        "“{name}” is in the editor: check the prompt, then Run.",
        "“{name}”已填入编辑器：检查提示词后点击运行。",
    ),
    "preset_saved": ("Saved the preset “{name}”.", "已保存预设“{name}”。"),
    "preset_deleted": ("The preset is deleted.", "预设已删除。"),
    "preset_nothing_to_export": (
        "There is no preset of yours or your team's to export yet.",
        "还没有你或团队的预设可导出。",
    ),
    "preset_exported": (
        "Presets in the file below: {count}.",
        "下面的文件中有 {count} 个预设。",
    ),
    "preset_imported": ("Presets imported: {count}.", "已导入 {count} 个预设。"),
    "preset_in_file": (
        "Preset {number} of the file: {words}",
        "文件中的第 {number} 个预设：{words}",
    ),
    "preset_not_an_object": (
        "It is not an object with `name`, `template`, `params` and `team`.",
        "它不是包含 `name`、`template`、`params` 和 `team` 的对象。",
    ),
    "preset_unknown_field": (
        "“{name}” is not a field of a presets file: remove it.",
        "“{name}”不是预设文件的字段：请删除它。",
    ),
    "preset_wrong_type": (
        "“{name}” must be {expected}.",
        "“{name}”的类型应为：{expected}。",
    ),
    "preset_or": (" or ", "或"),
    "preset_type_null": ("empty (`null`)", "空值 (`null`)"),
    "preset_type_boolean": ("`true` or `false`", "`true` 或 `false`"),
    "preset_type_integer": ("a whole number", "整数"),
    "preset_type_string": ("text", "文本"),
    "preset_type_object": ("an object", "对象"),
    "preset_type_list": ("a list", "列表"),
    "preset_empty": ("Give the preset a {name}.", "请填写预设的 {name}。"),
    "preset_too_long": (
        "“{name}” is too long: at most {most} characters.",
        "“{name}”太长：最多 {most} 个字符。",
    ),
    "preset_too_many_placeholders": (
        "A template takes at most {most} different placeholders.",
        "一个模板最多含 {most} 个不同的占位符。",
    ),
    "preset_unknown_param": (
        "“{name}” is not a parameter a preset keeps.",
        "“{name}”不是预设可保存的参数。",
    ),
    "preset_missing_value": ("Fill in “{name}” first.", "请先填写“{name}”。"),
    "preset_too_many": (
        "That makes more than {most} presets, the most one person keeps: delete some first.",
        "预设将超过每人 {most} 个的上限：请先删除一些。",
    ),
    "preset_read_only": (
        "A built-in example cannot be changed: save it under a name of your own.",
        "内置示例不能修改：请以你自己的名称另存。",
    ),
    "preset_not_found": (
        "You have no such preset (only its maker changes or deletes one).",
        "你没有这个预设（只有创建者能修改或删除）。",
    ),
    "preset_name_taken": (
        "You already have a preset named “{name}”.",
        "你已有名为“{name}”的预设。",
    ),
    "preset_file_too_large": (
        "The file is larger than {most} KB: that is not a presets file.",
        "文件超过 {most} KB，不是预设文件。",
    ),
    "preset_bad_json": (
        "That is not valid JSON ({detail}).",
        "这不是有效的 JSON（{detail}）。",
    ),
    "preset_not_a_preset_file": (
        "That is not a presets file exported from this app.",
        "这不是从本应用导出的预设文件。",
    ),
    "preset_wrong_version": (
        "The file is of another version: this app reads version {version}.",
        "文件版本不同：本应用读取第 {version} 版。",
    ),
    "preset_name_repeated": (
        "The name “{name}” is used twice in the file.",
        "文件中名称“{name}”出现了两次。",
    ),
}
"""key → (English, Chinese)."""

GRADIO_WORDS: dict[str, tuple[str, str]] = {
    "common.complete": ("Complete", "完成"),
    "common.download_all": ("Download All", "全部下载"),
    "status.queue_position": (
        "In queue: {position} of {size}",
        "排队中：第 {position} 个，共 {size} 个",
    ),
}
"""Gradio's own words that its Chinese translation lacks (it shows them in English): added to
its table under its keys."""

LANGUAGES = ("en", "zh")
I18N = gr.I18n(
    **{
        language: {key: pair[index] for key, pair in {**TEXTS, **GRADIO_WORDS}.items()}
        for index, language in enumerate(LANGUAGES)
    }
)


def label(key: str) -> Any:
    """A label, button text or fixed note, translated by the browser."""
    return I18N(key)


def language_of(request: Any) -> str:
    """ "zh" when the browser asks for Chinese first, else "en"."""
    headers = getattr(request, "headers", None)
    accepted = headers.get("accept-language", "") if hasattr(headers, "get") else ""
    first = (accepted or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def say(request: Any, key: str, **values: Any) -> str:
    """A sentence the server writes, in the language of the request's browser."""
    return text_in(language_of(request), key, **values)


def text_in(language: str, key: str, **values: Any) -> str:
    """The text `key` in `language` ("en" or "zh"), its {names} filled from `values`."""
    return TEXTS[key][LANGUAGES.index(language)].format(**values)
